using NetKit.KeyValue;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

public class KeyCommandTests
{
    private const string Ok = "+OK\r\n";
    private const string Nil = "$-1\r\n";

    private readonly ManualClock _clock = new();

    private RespCommandRunner NewRunner() => new(_clock);

    [Theory]
    [InlineData("DEL")]
    [InlineData("UNLINK")]
    public void DelCountsKeysRemoved(string command)
    {
        using var kv = NewRunner();
        kv.Run("MSET", "a", "1", "b", "2");
        Assert.Equal(":2\r\n", kv.Run(command, "a", "b", "c", "a"));
        Assert.Equal(":0\r\n", kv.Run(command, "a"));
        Assert.Equal($"-ERR wrong number of arguments for '{command.ToLowerInvariant()}' command\r\n", kv.Run(command));
    }

    [Fact]
    public void DelDoesNotCountAnExpiredKey()
    {
        using var kv = NewRunner();
        kv.Run("SET", "a", "1", "PX", "5");
        _clock.AdvanceMs(5);
        Assert.Equal(":0\r\n", kv.Run("DEL", "a"));
        Assert.Equal(1, kv.Store.ExpiredKeys);
    }

    [Fact]
    public void ExistsCountsDuplicates()
    {
        using var kv = NewRunner();
        kv.Run("SET", "a", "1");
        Assert.Equal(":3\r\n", kv.Run("EXISTS", "a", "a", "nope", "a"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "nope"));
        Assert.Equal(3, kv.Database.KeyspaceHits);
        Assert.Equal(2, kv.Database.KeyspaceMisses);
    }

    [Fact]
    public void TypeIsStringOrNone()
    {
        using var kv = NewRunner();
        kv.Run("SET", "a", "1");
        Assert.Equal("+string\r\n", kv.Run("TYPE", "a"));
        Assert.Equal("+none\r\n", kv.Run("TYPE", "b"));
        // Inline after RESP: answered in RESP, as Redis answers it; a text-only connection gets text.
        Assert.Equal("+string\r\n", kv.RunInline("TYPE a"));
        using var text = new RespCommandRunner(kv.Store);
        Assert.Equal("string\n", text.RunInline("TYPE a"));
    }

    [Fact]
    public void RenameMovesValueAndTtl()
    {
        using var kv = NewRunner();
        kv.Run("SET", "src", "v", "PX", "5000");
        kv.Run("SET", "dst", "old");
        Assert.Equal(Ok, kv.Run("RENAME", "src", "dst"));
        Assert.Equal(Nil, kv.Run("GET", "src"));
        Assert.Equal(Bulk("v"), kv.Run("GET", "dst"));
        Assert.Equal(":5000\r\n", kv.Run("PTTL", "dst"));
    }

    [Fact]
    public void RenameDropsTheDestinationsOwnTtl()
    {
        using var kv = NewRunner();
        kv.Run("SET", "src", "v");
        kv.Run("SET", "dst", "old", "EX", "100");
        Assert.Equal(Ok, kv.Run("RENAME", "src", "dst"));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "dst"));
    }

    [Fact]
    public void RenameErrorsAndSameKey()
    {
        using var kv = NewRunner();
        Assert.Equal("-ERR no such key\r\n", kv.Run("RENAME", "missing", "x"));
        Assert.Equal("-ERR no such key\r\n", kv.Run("RENAME", "missing", "missing"));
        Assert.Equal("-ERR no such key\r\n", kv.Run("RENAMENX", "missing", "x"));
        kv.Run("SET", "k", "v", "EX", "10");
        Assert.Equal(Ok, kv.Run("RENAME", "k", "k"));
        Assert.Equal(":0\r\n", kv.Run("RENAMENX", "k", "k"));
        Assert.Equal(Bulk("v"), kv.Run("GET", "k"));
        Assert.Equal(":10\r\n", kv.Run("TTL", "k"));
    }

    [Fact]
    public void RenameNxOnlyToANewName()
    {
        using var kv = NewRunner();
        kv.Run("MSET", "a", "1", "b", "2");
        Assert.Equal(":0\r\n", kv.Run("RENAMENX", "a", "b"));
        Assert.Equal(Array("1", "2"), kv.Run("MGET", "a", "b"));
        Assert.Equal(":1\r\n", kv.Run("RENAMENX", "a", "c"));
        Assert.Equal(Array(null, "2", "1"), kv.Run("MGET", "a", "b", "c"));
    }

    [Fact]
    public void ExpireFamilySetsTtls()
    {
        using var kv = NewRunner();
        kv.Run("MSET", "a", "1", "b", "2", "c", "3", "d", "4");
        Assert.Equal(":1\r\n", kv.Run("EXPIRE", "a", "100"));
        Assert.Equal(":100000\r\n", kv.Run("PTTL", "a"));
        Assert.Equal(":1\r\n", kv.Run("PEXPIRE", "b", "1234"));
        Assert.Equal(":1234\r\n", kv.Run("PTTL", "b"));
        Assert.Equal(":1\r\n", kv.Run("EXPIREAT", "c", ((_clock.NowMs / 1000) + 60).ToString()));
        Assert.Equal(":60\r\n", kv.Run("TTL", "c"));
        Assert.Equal(":1\r\n", kv.Run("PEXPIREAT", "d", (_clock.NowMs + 42).ToString()));
        Assert.Equal(":42\r\n", kv.Run("PTTL", "d"));
        Assert.Equal(":0\r\n", kv.Run("EXPIRE", "missing", "100"));
    }

    [Theory]
    [InlineData("EXPIRE", "0")]
    [InlineData("EXPIRE", "-10")]
    [InlineData("PEXPIRE", "-1")]
    [InlineData("EXPIREAT", "1")]
    [InlineData("PEXPIREAT", "0")]
    public void ExpireInThePastDeletes(string command, string when)
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "v");
        Assert.Equal(":1\r\n", kv.Run(command, "k", when));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "k"));
        Assert.Equal(0, kv.Store.ExpiredKeys);
    }

    [Theory]
    [InlineData("EXPIRE", "9223372036854775807", "expire")]
    [InlineData("EXPIRE", "-9223372036854775807", "expire")]
    [InlineData("PEXPIRE", "9223372036854775807", "pexpire")]
    [InlineData("EXPIREAT", "9223372036854775807", "expireat")]
    public void ExpireOverflowIsAnError(string command, string when, string name)
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "v");
        Assert.Equal($"-ERR invalid expire time in '{name}' command\r\n", kv.Run(command, "k", when));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "k"));
    }

    [Fact]
    public void ExpireArgumentErrors()
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "v");
        Assert.Equal("-ERR value is not an integer or out of range\r\n", kv.Run("EXPIRE", "k", "soon"));
        Assert.Equal("-ERR Unsupported option FOO\r\n", kv.Run("EXPIRE", "k", "10", "FOO"));
        Assert.Equal("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n", kv.Run("EXPIRE", "k", "10", "NX", "XX"));
        Assert.Equal("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n", kv.Run("EXPIRE", "k", "10", "GT", "NX"));
        Assert.Equal("-ERR GT and LT options at the same time are not compatible\r\n", kv.Run("EXPIRE", "k", "10", "GT", "LT"));
        Assert.Equal("-ERR wrong number of arguments for 'expire' command\r\n", kv.Run("EXPIRE", "k"));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "k"));
    }

    [Fact]
    public void ExpireConditions()
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "v");

        // No TTL yet: XX and GT refuse (no TTL counts as infinite), NX and LT accept.
        Assert.Equal(":0\r\n", kv.Run("EXPIRE", "k", "100", "XX"));
        Assert.Equal(":0\r\n", kv.Run("EXPIRE", "k", "100", "GT"));
        Assert.Equal(":1\r\n", kv.Run("EXPIRE", "k", "100", "NX"));
        Assert.Equal(":0\r\n", kv.Run("EXPIRE", "k", "50", "NX"));
        Assert.Equal(":100\r\n", kv.Run("TTL", "k"));

        Assert.Equal(":0\r\n", kv.Run("EXPIRE", "k", "50", "GT"));
        Assert.Equal(":0\r\n", kv.Run("EXPIRE", "k", "100", "GT"));
        Assert.Equal(":1\r\n", kv.Run("EXPIRE", "k", "200", "gt"));
        Assert.Equal(":0\r\n", kv.Run("EXPIRE", "k", "300", "LT"));
        Assert.Equal(":1\r\n", kv.Run("EXPIRE", "k", "20", "LT", "XX"));
        Assert.Equal(":20\r\n", kv.Run("TTL", "k"));
        Assert.Equal(":1\r\n", kv.Run("EXPIRE", "k", "30", "XX"));

        kv.Run("PERSIST", "k");
        Assert.Equal(":1\r\n", kv.Run("EXPIRE", "k", "40", "LT"));
        Assert.Equal(":40\r\n", kv.Run("TTL", "k"));
    }

    [Fact]
    public void TtlAndPttl()
    {
        using var kv = NewRunner();
        Assert.Equal(":-2\r\n", kv.Run("TTL", "missing"));
        Assert.Equal(":-2\r\n", kv.Run("PTTL", "missing"));
        kv.Run("SET", "k", "v");
        Assert.Equal(":-1\r\n", kv.Run("TTL", "k"));
        Assert.Equal(":-1\r\n", kv.Run("PTTL", "k"));
        kv.Run("PEXPIRE", "k", "10000");
        _clock.AdvanceMs(1);
        Assert.Equal(":9999\r\n", kv.Run("PTTL", "k"));
        Assert.Equal(":10\r\n", kv.Run("TTL", "k"));
        _clock.AdvanceMs(8500); // 1499 ms left: rounds to 1
        Assert.Equal(":1\r\n", kv.Run("TTL", "k"));
        _clock.AdvanceMs(1000); // 499 ms left: rounds to 0
        Assert.Equal(":0\r\n", kv.Run("TTL", "k"));
        _clock.AdvanceMs(499);
        Assert.Equal(":-2\r\n", kv.Run("TTL", "k"));
    }

    [Fact]
    public void PersistRemovesTtl()
    {
        using var kv = NewRunner();
        Assert.Equal(":0\r\n", kv.Run("PERSIST", "missing"));
        kv.Run("SET", "k", "v");
        Assert.Equal(":0\r\n", kv.Run("PERSIST", "k"));
        kv.Run("EXPIRE", "k", "10");
        Assert.Equal(":1\r\n", kv.Run("PERSIST", "k"));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "k"));
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(Bulk("v"), kv.Run("GET", "k"));
    }

    [Fact]
    public void KeysMatchesPatterns()
    {
        using var kv = NewRunner();
        kv.Run("MSET", "firstname", "a", "lastname", "b", "age", "c", "", "empty");
        Assert.Equal(["age", "firstname", "lastname"], ParseArray(kv.Run("KEYS", "*a*e")).Order());
        Assert.Equal(["firstname", "lastname"], ParseArray(kv.Run("KEYS", "*name")).Order());
        Assert.Equal(["", "age", "firstname", "lastname"], ParseArray(kv.Run("KEYS", "*")).Order());
        Assert.Equal("*0\r\n", kv.Run("KEYS", "nomatch*"));
        Assert.Equal("*0\r\n", kv.RunInline("KEYS zzz*"));
        using var text = new RespCommandRunner(kv.Store);
        Assert.Equal("(empty array)\n", text.RunInline("KEYS zzz*"));
    }

    [Fact]
    public void KeysSkipsExpiredKeys()
    {
        using var kv = NewRunner();
        kv.Run("SET", "live", "1");
        kv.Run("SET", "dying", "1", "PX", "10");
        _clock.AdvanceMs(10);
        Assert.Equal(Array("live"), kv.Run("KEYS", "*"));
    }

    [Fact]
    public void RandomKey()
    {
        using var kv = NewRunner();
        Assert.Equal(Nil, kv.Run("RANDOMKEY"));
        kv.Run("MSET", "a", "1", "b", "2", "c", "3");
        var seen = new HashSet<string>();
        for (int i = 0; i < 200; i++)
        {
            string reply = kv.Run("RANDOMKEY");
            Assert.Matches("^\\$1\r\n[abc]\r\n$", reply);
            seen.Add(reply);
        }

        Assert.Equal(3, seen.Count);
        Assert.Equal("-ERR wrong number of arguments for 'randomkey' command\r\n", kv.Run("RANDOMKEY", "x"));
    }

    [Fact]
    public void KeyPositionsAreAsRedis()
    {
        Assert.True(CommandTable.Default.TryGet("rename", out CommandSpec rename));
        Assert.Equal((1, 2, 1), (rename.FirstKey, rename.LastKey, rename.KeyStep));
        Assert.True(CommandTable.Default.TryGet("del", out CommandSpec del));
        Assert.Equal((1, -1, 1), (del.FirstKey, del.LastKey, del.KeyStep));
        Assert.True(CommandTable.Default.TryGet("keys", out CommandSpec keys));
        Assert.Equal((0, 0, 0), (keys.FirstKey, keys.LastKey, keys.KeyStep));
    }

    /// <summary>The elements of a flat RESP array of bulk strings.</summary>
    internal static List<string> ParseArray(string reply)
    {
        var lines = reply.Split("\r\n");
        Assert.StartsWith("*", lines[0]);
        int count = int.Parse(lines[0][1..]);
        var items = new List<string>();
        for (int i = 0; i < count; i++)
        {
            Assert.StartsWith("$", lines[1 + (2 * i)]);
            items.Add(lines[2 + (2 * i)]);
        }

        return items;
    }
}
