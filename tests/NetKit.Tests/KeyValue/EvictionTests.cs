using Microsoft.Extensions.Time.Testing;
using NetKit.KeyValue;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// maxmemory eviction as Redis 7.0 has it: noeviction refuses writes, the other policies remove keys (the
/// longest idle for LRU, the soonest to expire for volatile-ttl, only keys with an expiry for volatile-*),
/// each removal counted in INFO and announced as "evicted"; nothing is evicted while CLIENT PAUSE is on.
/// With a handful of keys every key is in the sample, so the choice is exact.
/// </summary>
public class EvictionTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));

    private RespCommandRunner Client(string policy)
    {
        var client = new RespCommandRunner(_time);
        Assert.Equal("+OK\r\n", client.Run("CONFIG", "SET", "maxmemory-policy", policy));
        return client;
    }

    private void Keys(RespCommandRunner client, params string[] keys)
    {
        foreach (string key in keys)
        {
            client.Run("SET", key, "value");
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static void LimitToFewerBytes(RespCommandRunner client, long fewer) =>
        Assert.Equal("+OK\r\n", client.Run("CONFIG", "SET", "maxmemory", (client.Database.Databases.UsedBytes - fewer).ToString()));

    private static string KeysLeft(RespCommandRunner client) => client.Run("KEYS", "*");

    [Fact]
    public void AllKeysLru_EvictsTheLongestIdle_WhenTheLimitIsLowered()
    {
        using var client = Client("allkeys-lru");
        using var subscriber = new RespCommandRunner(client.Database);
        client.Run("CONFIG", "SET", "notify-keyspace-events", "Ee");
        subscriber.Run("PSUBSCRIBE", "*");
        Keys(client, "old", "middle", "new");
        client.Run("GET", "old");

        LimitToFewerBytes(client, 1);

        Assert.Equal(":0\r\n", client.Run("EXISTS", "middle"));
        Assert.Equal(":2\r\n", client.Run("DBSIZE"));
        Assert.Equal("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$22\r\n__keyevent@0__:evicted\r\n$6\r\nmiddle\r\n", System.Text.Encoding.UTF8.GetString(subscriber.Send([])));
        Assert.Equal(1, client.Database.Databases.EvictedKeys);
        Assert.Contains("evicted_keys:1\r\n", client.Run("INFO", "stats"), StringComparison.Ordinal);
    }

    [Fact]
    public void AWriteOverTheLimit_EvictsRatherThanFails()
    {
        using var client = Client("allkeys-lru");
        Keys(client, "a", "b");
        LimitToFewerBytes(client, -1);

        // c goes over the limit (a write is admitted while under it, as in Redis); d's admission evicts the oldest.
        Assert.Equal("+OK\r\n", client.Run("SET", "c", "value"));
        Assert.Equal(":3\r\n", client.Run("DBSIZE"));
        Assert.Equal("+OK\r\n", client.Run("SET", "d", "value"));
        Assert.Equal(":0\r\n", client.Run("EXISTS", "a"));
        Assert.Equal(":3\r\n", client.Run("EXISTS", "b", "c", "d"));
    }

    [Fact]
    public void VolatileTtl_EvictsTheSoonestToExpire_AndNeverAKeyWithoutOne()
    {
        using var client = Client("volatile-ttl");
        Keys(client, "forever");
        client.Run("SET", "late", "value", "EX", "1000");
        client.Run("SET", "soon", "value", "EX", "10");

        LimitToFewerBytes(client, 1);
        Assert.Equal(":0\r\n", client.Run("EXISTS", "soon"));
        Assert.Equal(":2\r\n", client.Run("DBSIZE"));

        client.Run("CONFIG", "SET", "maxmemory", "1");
        Assert.Equal(Array("forever"), KeysLeft(client));
        Assert.Equal("-OOM command not allowed when used memory > 'maxmemory'.\r\n", client.Run("SET", "more", "value"));
    }

    [Fact]
    public void NoEviction_RefusesTheWrite_AndKeepsEveryKey()
    {
        using var client = Client("noeviction");
        Keys(client, "a", "b");
        LimitToFewerBytes(client, 1);

        Assert.Equal("-OOM command not allowed when used memory > 'maxmemory'.\r\n", client.Run("SET", "c", "value"));
        Assert.Equal(":2\r\n", client.Run("DBSIZE"));
        Assert.Equal(0, client.Database.Databases.EvictedKeys);
    }

    [Fact]
    public void ClientPause_SuspendsEviction_UntilUnpaused()
    {
        using var client = Client("allkeys-random");
        Keys(client, "a", "b");
        client.Run("CLIENT", "PAUSE", "100000", "WRITE");

        LimitToFewerBytes(client, 1);
        Assert.Equal(":2\r\n", client.Run("DBSIZE"));

        client.Run("CLIENT", "UNPAUSE");
        Assert.Equal("+OK\r\n", client.Run("CONFIG", "SET", "maxmemory-policy", "allkeys-random"));
        Assert.Equal(":1\r\n", client.Run("DBSIZE"));
    }
}
