using NetKit.KeyValue;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

public class ExpiryTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void KeysExpireLazilyOnAccess()
    {
        using var kv = new RespCommandRunner(_clock);
        kv.Run("SET", "k", "v", "PX", "1000");
        _clock.AdvanceMs(999);
        Assert.Equal(Bulk("v"), kv.Run("GET", "k"));
        Assert.Equal(0, kv.Store.ExpiredKeys);
        _clock.AdvanceMs(1);
        Assert.Equal(1, kv.Store.Count); // still held until touched
        Assert.Equal("$-1\r\n", kv.Run("GET", "k"));
        Assert.Equal(0, kv.Store.Count);
        Assert.Equal(1, kv.Store.ExpiredKeys);
        Assert.Equal(0, kv.Store.ExpiringCount);
    }

    [Theory]
    [InlineData("STRLEN", ":0\r\n")]
    [InlineData("EXISTS", ":0\r\n")]
    [InlineData("TTL", ":-2\r\n")]
    [InlineData("TYPE", "+none\r\n")]
    [InlineData("GETDEL", "$-1\r\n")]
    [InlineData("GETEX", "$-1\r\n")]
    [InlineData("PERSIST", ":0\r\n")]
    [InlineData("INCR", ":1\r\n")]
    [InlineData("APPEND", ":0\r\n")]
    public void EveryCommandSeesAnExpiredKeyAsMissing(string command, string expected)
    {
        using var kv = new RespCommandRunner(_clock);
        kv.Run("SET", "k", "v", "EX", "1");
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(expected, command == "APPEND" ? kv.Run(command, "k", "") : kv.Run(command, "k"));
        Assert.Equal(1, kv.Store.ExpiredKeys);
    }

    [Fact]
    public void SweepRemovesExpiredKeysWithoutReads()
    {
        using var kv = new RespCommandRunner(_clock);
        for (int i = 0; i < 100; i++)
        {
            kv.Run("SET", $"short{i}", "v", "PX", "100");
            kv.Run("SET", $"long{i}", "v", "EX", "100");
            kv.Run("SET", $"forever{i}", "v");
        }

        _clock.AdvanceMs(100);
        int removed = 0;
        for (int round = 0; round < 10; round++)
        {
            removed += kv.Store.SweepExpired(50);
        }

        Assert.Equal(100, removed);
        Assert.Equal(100, kv.Store.ExpiredKeys);
        Assert.Equal(200, kv.Store.Count);
        Assert.Equal(100, kv.Store.ExpiringCount);
        Assert.Equal(":200\r\n", kv.Run(["EXISTS", .. Enumerable.Range(0, 100).SelectMany(i => new[] { $"long{i}", $"forever{i}", $"short{i}" })]));
    }

    [Fact]
    public void SetWithoutTtlClearsAnExpiry()
    {
        using var kv = new RespCommandRunner(_clock);
        kv.Run("SETEX", "k", "1", "v");
        kv.Run("SET", "k", "w");
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(Bulk("w"), kv.Run("GET", "k"));
    }

    [Fact]
    public void ExpiryChangesAreJournaledAsEffects()
    {
        var journal = new RecordingJournal();
        var store = new KeyValueStore(_clock) { Journal = journal };
        using var kv = new RespCommandRunner(store);
        long now = _clock.NowMs;
        kv.Run("SET", "n", "1");
        kv.Run("INCRBY", "n", "41");
        kv.Run("EXPIRE", "n", "10");
        kv.Run("RENAME", "n", "m");
        kv.Run("EXPIRE", "m", "-1");
        kv.Run("INCRBYFLOAT", "f", "1.5");
        Assert.Equal(
            [
                "set n 1 0", "set n 42 0", $"expireat n {now + 10_000}",
                $"set m 42 {now + 10_000}", "del n", "del m", "set f 1.5 0",
            ],
            journal.Records);
    }

    private sealed class RecordingJournal : IKeyValueJournal
    {
        public List<string> Records { get; } = [];

        public void RecordSet(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs) =>
            Records.Add($"set {System.Text.Encoding.UTF8.GetString(key)} {System.Text.Encoding.UTF8.GetString(value)} {expiresAtMs}");

        public void RecordDelete(int database, ReadOnlySpan<byte> key) => Records.Add($"del {System.Text.Encoding.UTF8.GetString(key)}");

        public void RecordExpireAt(int database, ReadOnlySpan<byte> key, long expiresAtMs) =>
            Records.Add($"expireat {System.Text.Encoding.UTF8.GetString(key)} {expiresAtMs}");

        public void RecordClear(int database) => Records.Add("clear");

        public void RecordClearAll() => Records.Add("clearall");

        public void RecordHashSet(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value) =>
            Records.Add($"hset {System.Text.Encoding.UTF8.GetString(key)} {System.Text.Encoding.UTF8.GetString(field)}");

        public void RecordHashDelete(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field) =>
            Records.Add($"hdel {System.Text.Encoding.UTF8.GetString(key)} {System.Text.Encoding.UTF8.GetString(field)}");

        public void RecordSetAdd(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member) =>
            Records.Add($"sadd {System.Text.Encoding.UTF8.GetString(key)} {System.Text.Encoding.UTF8.GetString(member)}");

        public void RecordSetRemove(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member) =>
            Records.Add($"srem {System.Text.Encoding.UTF8.GetString(key)} {System.Text.Encoding.UTF8.GetString(member)}");
        public void RecordSortedSetAdd(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member, double score) =>
            Records.Add($"zadd {System.Text.Encoding.UTF8.GetString(key)} {System.Text.Encoding.UTF8.GetString(member)}");

        public void RecordSortedSetRemove(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member) =>
            Records.Add($"zrem {System.Text.Encoding.UTF8.GetString(key)} {System.Text.Encoding.UTF8.GetString(member)}");
        public void RecordList(int database, in ListRecord record) =>
            Records.Add($"list {record.Change} {System.Text.Encoding.UTF8.GetString(record.Key)}");

        public void BeginTransaction() => Records.Add("multi");

        public void EndTransaction() => Records.Add("exec");
    }
}
