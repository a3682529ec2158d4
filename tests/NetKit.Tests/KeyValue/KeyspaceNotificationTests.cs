using System.Text;
using Microsoft.Extensions.Time.Testing;
using NetKit.KeyValue;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// Keyspace notifications as redis-server 7.0.15 sends them (every event list below was read from it, with
/// notify-keyspace-events KEA and a client in PSUBSCRIBE on both channel families): the events of each command,
/// in order, byte for byte; the flags that mask them and CONFIG GET's canonical form; expiry on access and
/// under CLIENT PAUSE on a fake clock.
/// </summary>
public class KeyspaceNotificationTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));

    private static string Pushed(RespCommandRunner client) => Encoding.UTF8.GetString(client.Send([]));

    private static string PMessage(string pattern, string channel, string payload) =>
        $"*4\r\n$8\r\npmessage\r\n{Bulk(pattern)}{Bulk(channel)}{Bulk(payload)}";

    /// <summary>What a client subscribed to <c>__keyspace@db__:*</c> and <c>__keyevent@db__:*</c> gets for one event.</summary>
    private static string Event(string name, string key, int db = 0) =>
        PMessage($"__keyspace@{db}__:*", $"__keyspace@{db}__:{key}", name) + PMessage($"__keyevent@{db}__:*", $"__keyevent@{db}__:{name}", key);

    private static string Events(params (string Name, string Key)[] events) => string.Concat(events.Select(e => Event(e.Name, e.Key)));

    private (RespCommandRunner Client, RespCommandRunner Subscriber) Connect(string flags)
    {
        var client = new RespCommandRunner(_time);
        var subscriber = new RespCommandRunner(client.Database);
        Assert.Equal("+OK\r\n", client.Run("CONFIG", "SET", "notify-keyspace-events", flags));
        subscriber.Run("PSUBSCRIBE", "__keyspace@0__:*", "__keyevent@0__:*");
        return (client, subscriber);
    }

    public static TheoryData<string[][], (string, string)[]> CommandEvents => new()
    {
        { [["SET", "foo", "bar"]], [("new", "foo"), ("set", "foo")] },
        { [["SET", "foo", "a"], ["SET", "foo", "b", "XX", "EX", "100"]], [("new", "foo"), ("set", "foo"), ("set", "foo"), ("expire", "foo")] },
        { [["SET", "foo", "a", "NX"], ["SET", "foo", "b", "NX"], ["SET", "foo", "c", "KEEPTTL"]], [("new", "foo"), ("set", "foo"), ("set", "foo")] },
        { [["SETNX", "k", "v"], ["SETNX", "k", "w"]], [("new", "k"), ("set", "k")] },
        { [["SETEX", "k", "100", "v"], ["PSETEX", "k", "100", "v"]], [("new", "k"), ("set", "k"), ("expire", "k"), ("set", "k"), ("expire", "k")] },
        { [["GETSET", "k", "v"], ["GETDEL", "k"], ["GETDEL", "k"]], [("new", "k"), ("set", "k"), ("del", "k")] },
        {
            [["SET", "k", "v"], ["GETEX", "k", "EX", "100"], ["GETEX", "k", "PERSIST"], ["GETEX", "k", "PERSIST"], ["GETEX", "k"], ["GETEX", "k", "PXAT", "1"]],
            [("new", "k"), ("set", "k"), ("expire", "k"), ("persist", "k"), ("del", "k")]
        },
        { [["MSET", "a", "1", "b", "2"], ["MSETNX", "a", "1", "c", "2"]], [("new", "a"), ("set", "a"), ("new", "b"), ("set", "b")] },
        { [["APPEND", "k", "ab"], ["APPEND", "k", "c"]], [("new", "k"), ("append", "k"), ("append", "k")] },
        { [["SETRANGE", "k", "2", "x"], ["SETRANGE", "k", "0", ""], ["SETRANGE", "nope", "0", ""]], [("new", "k"), ("setrange", "k")] },
        {
            [["INCR", "n"], ["DECR", "n"], ["INCRBY", "n", "5"], ["DECRBY", "n", "5"], ["INCRBYFLOAT", "n", "1.5"]],
            [("new", "n"), ("incrby", "n"), ("incrby", "n"), ("incrby", "n"), ("incrby", "n"), ("incrbyfloat", "n")]
        },
        { [["SETBIT", "b", "3", "1"], ["SETBIT", "b", "3", "1"], ["SETBIT", "b", "3", "0"]], [("new", "b"), ("setbit", "b"), ("setbit", "b")] },
        { [["SET", "a", "x"], ["BITOP", "AND", "d", "a", "a"], ["BITOP", "AND", "d", "none"]], [("new", "a"), ("set", "a"), ("new", "d"), ("set", "d"), ("del", "d")] },
        { [["SET", "a", "1"], ["DEL", "a", "zz"], ["SET", "b", "1"], ["UNLINK", "b"]], [("new", "a"), ("set", "a"), ("del", "a"), ("new", "b"), ("set", "b"), ("del", "b")] },
        {
            [["SET", "k", "v"], ["EXPIRE", "k", "100"], ["PEXPIRE", "k", "100000"], ["EXPIRE", "k", "100", "NX"], ["PERSIST", "k"], ["PERSIST", "k"], ["EXPIRE", "k", "-1"]],
            [("new", "k"), ("set", "k"), ("expire", "k"), ("expire", "k"), ("persist", "k"), ("del", "k")]
        },
        {
            [["SET", "k", "v"], ["SET", "t", "v"], ["RENAME", "k", "t"], ["RENAMENX", "t", "u"], ["SET", "v", "1"], ["RENAMENX", "u", "v"]],
            [("new", "k"), ("set", "k"), ("new", "t"), ("set", "t"), ("new", "t"), ("rename_from", "k"), ("rename_to", "t"),
                ("new", "u"), ("rename_from", "t"), ("rename_to", "u"), ("new", "v"), ("set", "v")]
        },
        { [["SET", "x", "v"], ["COPY", "x", "y"], ["COPY", "x", "y"], ["COPY", "x", "y", "REPLACE"]], [("new", "x"), ("set", "x"), ("new", "y"), ("copy_to", "y"), ("new", "y"), ("copy_to", "y")] },
        {
            [["HSET", "h", "f", "v"], ["HSET", "h", "f", "v"], ["HMSET", "h", "a", "1"], ["HSETNX", "h", "a", "2"], ["HSETNX", "h", "b", "2"]],
            [("new", "h"), ("hset", "h"), ("hset", "h"), ("hset", "h"), ("hset", "h")]
        },
        { [["HINCRBY", "h", "a", "5"], ["HINCRBYFLOAT", "h", "a", "1.5"]], [("new", "h"), ("hincrby", "h"), ("hincrbyfloat", "h")] },
        { [["HSET", "h", "a", "1", "b", "2"], ["HDEL", "h", "nope"], ["HDEL", "h", "a"], ["HDEL", "h", "b", "c"]], [("new", "h"), ("hset", "h"), ("hdel", "h"), ("hdel", "h"), ("del", "h")] },
        { [["SET", "k", "v"], ["SWAPDB", "0", "1"], ["SWAPDB", "0", "1"], ["FLUSHDB"], ["SET", "k", "v"], ["FLUSHALL"]], [("new", "k"), ("set", "k"), ("new", "k"), ("set", "k")] },
        { [["MULTI"], ["SET", "m", "1"], ["INCR", "m"], ["DEL", "m"], ["EXEC"]], [("new", "m"), ("set", "m"), ("incrby", "m"), ("del", "m")] },
    };

    [Theory]
    [MemberData(nameof(CommandEvents))]
    public void Commands_PublishRedisEvents_InOrder(string[][] commands, (string, string)[] expected)
    {
        var (client, subscriber) = Connect("KEAn");
        using (client)
        using (subscriber)
        {
            foreach (string[] command in commands)
            {
                client.Run(command);
            }

            Assert.Equal(Events(expected), Pushed(subscriber));
        }
    }

    [Fact]
    public void Move_PublishesInBothDatabases()
    {
        var (client, subscriber) = Connect("KEA");
        using (client)
        using (subscriber)
        {
            subscriber.Run("PSUBSCRIBE", "__keyspace@1__:*", "__keyevent@1__:*");
            client.Run("SET", "k", "v");
            Assert.Equal(":1\r\n", client.Run("MOVE", "k", "1"));

            Assert.Equal(Events(("set", "k"), ("move_from", "k")) + Event("move_to", "k", db: 1), Pushed(subscriber));
        }
    }

    [Fact]
    public void Restore_PublishesRestore_AndAPastTtlDeletesTheOldKey()
    {
        var (client, subscriber) = Connect("KEAn");
        using (client)
        using (subscriber)
        {
            client.Run("SET", "k", "v");
            byte[] dump = client.RunBytes("DUMP"u8.ToArray(), "k"u8.ToArray());
            byte[] payload = dump[(dump.AsSpan().IndexOf("\r\n"u8) + 2)..^2];
            client.RunBytes("RESTORE"u8.ToArray(), "r"u8.ToArray(), "0"u8.ToArray(), payload);
            client.RunBytes("RESTORE"u8.ToArray(), "r"u8.ToArray(), "1"u8.ToArray(), payload, "REPLACE"u8.ToArray(), "ABSTTL"u8.ToArray());

            Assert.Equal(Events(("new", "k"), ("set", "k"), ("new", "r"), ("restore", "r"), ("del", "r")), Pushed(subscriber));
        }
    }

    [Fact]
    public void SelectedDatabase_NamesTheChannels()
    {
        var (client, subscriber) = Connect("KEA");
        using (client)
        using (subscriber)
        {
            subscriber.Run("PSUBSCRIBE", "*");
            client.Run("SELECT", "3");
            client.Run("SET", "k", "v");

            Assert.Equal(PMessage("*", "__keyspace@3__:k", "set") + PMessage("*", "__keyevent@3__:set", "k"), Pushed(subscriber));
        }
    }

    [Theory]
    [InlineData("K$", "*4\r\n$8\r\npmessage\r\n$16\r\n__keyspace@0__:*\r\n$16\r\n__keyspace@0__:k\r\n$3\r\nset\r\n")]
    [InlineData("E$", "*4\r\n$8\r\npmessage\r\n$16\r\n__keyevent@0__:*\r\n$18\r\n__keyevent@0__:set\r\n$1\r\nk\r\n")]
    [InlineData("KEh", "")]
    [InlineData("$", "")] // neither channel family
    [InlineData("KE", "")] // no class
    [InlineData("", "")]
    public void Flags_MaskEvents(string flags, string expected)
    {
        var (client, subscriber) = Connect(flags);
        using (client)
        using (subscriber)
        {
            client.Run("SET", "k", "v");
            Assert.Equal(expected, Pushed(subscriber));
        }
    }

    [Theory]
    [InlineData("gKE", "gKE")]
    [InlineData("$lshzxeKE", "$lshzxeKE")]
    [InlineData("KA", "AK")]
    [InlineData("EA", "AE")]
    [InlineData("Kn", "nK")]
    [InlineData("g$lshzxetdKEmn", "AKEm")]
    [InlineData("g$lshzxetKE", "g$lshzxetKE")]
    [InlineData("", "")]
    public void ConfigGet_ShowsRedisCanonicalForm(string set, string shown)
    {
        using var client = new RespCommandRunner();
        Assert.Equal("+OK\r\n", client.Run("CONFIG", "SET", "notify-keyspace-events", set));
        Assert.Equal(Array("notify-keyspace-events", shown), client.Run("CONFIG", "GET", "notify-keyspace-events"));
    }

    [Fact]
    public void ConfigSet_RefusesAnUnknownLetter_AndKeepsWhatWasThere()
    {
        using var client = new RespCommandRunner();
        Assert.Equal(Array("notify-keyspace-events", ""), client.Run("CONFIG", "GET", "notify-keyspace-events"));
        client.Run("CONFIG", "SET", "notify-keyspace-events", "KEA");

        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n",
            client.Run("CONFIG", "SET", "notify-keyspace-events", "KEQ"));
        Assert.Equal(Array("notify-keyspace-events", "AKE"), client.Run("CONFIG", "GET", "notify-keyspace-events"));
    }

    [Fact]
    public void Option_SetsTheFlagsAtStart_AndABadOneIsRefused()
    {
        using var client = new RespCommandRunner(new KeyValueDatabase(new KeyValueOptions { NotifyKeyspaceEvents = "Ex" }));
        Assert.Equal(Array("notify-keyspace-events", "xE"), client.Run("CONFIG", "GET", "notify-keyspace-events"));

        var error = Assert.Throws<ArgumentException>(() => new KeyValueDatabase(new KeyValueOptions { NotifyKeyspaceEvents = "KE?" }));
        Assert.StartsWith(KeyspaceEvents.InvalidFlagsError, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredKey_IsAnnouncedWhenAccessed_ThenWrittenAnew()
    {
        var (client, subscriber) = Connect("KEAn");
        using (client)
        using (subscriber)
        {
            client.Run("SET", "a", "1", "PX", "100");
            client.Run("MSET", "b", "2");
            client.Run("PEXPIRE", "b", "100");
            Pushed(subscriber);
            _time.Advance(TimeSpan.FromMilliseconds(100));

            Assert.Equal("$-1\r\n", client.Run("GET", "a"));
            Assert.Equal(Events(("expired", "a")), Pushed(subscriber));
            // MSET expires what it replaces first, as Redis's lookupKeyWrite.
            client.Run("MSET", "b", "3");
            Assert.Equal(Events(("expired", "b"), ("new", "b"), ("set", "b")), Pushed(subscriber));
            Assert.Equal(2, client.Database.Databases.ExpiredKeys);
        }
    }

    [Fact]
    public void Sweep_AnnouncesWhatItExpires()
    {
        var (client, subscriber) = Connect("Ex");
        using (client)
        using (subscriber)
        {
            client.Run("HSET", "h", "f", "v");
            client.Run("PEXPIRE", "h", "10");
            _time.Advance(TimeSpan.FromMilliseconds(10));

            Assert.Equal(1, client.Store.SweepExpired(10));
            Assert.Equal(PMessage("__keyevent@0__:*", "__keyevent@0__:expired", "h"), Pushed(subscriber));
        }
    }

    [Fact]
    public void ClientPause_KeysPastTheirTimeReadAsMissing_ButStayUntilUnpaused()
    {
        var (client, subscriber) = Connect("KEA");
        using (client)
        using (subscriber)
        {
            client.Run("SET", "k", "v", "PX", "100");
            client.Run("SET", "j", "v", "PX", "100");
            Pushed(subscriber);
            Assert.Equal("+OK\r\n", client.Run("CLIENT", "PAUSE", "100000", "WRITE"));
            _time.Advance(TimeSpan.FromMilliseconds(100));

            Assert.Equal("$-1\r\n", client.Run("GET", "k"));
            Assert.Equal(":0\r\n", client.Run("EXISTS", "j"));
            Assert.Equal(0, client.Store.SweepExpired(10));
            Assert.Equal(":2\r\n", client.Run("DBSIZE"));
            Assert.Equal(0, client.Database.Databases.ExpiredKeys);
            Assert.Equal(string.Empty, Pushed(subscriber));

            Assert.Equal("+OK\r\n", client.Run("CLIENT", "UNPAUSE"));
            Assert.Equal("$-1\r\n", client.Run("GET", "k"));
            Assert.Equal(1, client.Store.SweepExpired(10));
            Assert.Equal(":0\r\n", client.Run("DBSIZE"));
            Assert.Equal(Events(("expired", "k"), ("expired", "j")), Pushed(subscriber));
        }
    }

    [Fact]
    public void NoSubscriber_NoSetting_NothingIsPublished()
    {
        using var client = new RespCommandRunner();
        using var subscriber = new RespCommandRunner(client.Database);
        subscriber.Run("PSUBSCRIBE", "*");
        client.Run("SET", "k", "v");
        client.Run("HSET", "h", "f", "v");

        Assert.Equal(string.Empty, Pushed(subscriber));
    }
}
