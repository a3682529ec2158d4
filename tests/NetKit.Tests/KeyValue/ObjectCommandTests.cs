using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>OBJECT, MEMORY USAGE, TOUCH, EXPIRETIME, GETSET, SUBSTR, LCS; expected replies are redis-server 7.0.15's.</summary>
public class ObjectCommandTests
{
    private const string LfuNotSelected = "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
        + "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n";

    private readonly ManualClock _clock = new();

    [Fact]
    public void EncodingRefcountAndMemoryUsageAsRedis()
    {
        using var kv = new RespCommandRunner(_clock);
        kv.Run("SET", "a", "hello");
        kv.Run("SET", "b", "1234");
        kv.Run("SET", "c", new string('x', 100));
        kv.Run("SET", "big", "123456");
        Assert.Equal(Bulk("embstr"), kv.Run("OBJECT", "ENCODING", "a"));
        Assert.Equal(Bulk("int"), kv.Run("OBJECT", "encoding", "b"));
        Assert.Equal(Bulk("raw"), kv.Run("OBJECT", "ENCODING", "c"));
        Assert.Equal("$-1\r\n", kv.Run("OBJECT", "ENCODING", "nope"));
        Assert.Equal(":2147483647\r\n", kv.Run("OBJECT", "REFCOUNT", "b"));
        Assert.Equal(":1\r\n", kv.Run("OBJECT", "REFCOUNT", "big"));
        Assert.Equal(":64\r\n", kv.Run("MEMORY", "USAGE", "a"));
        Assert.Equal(":48\r\n", kv.Run("MEMORY", "USAGE", "b"));
        Assert.Equal(":160\r\n", kv.Run("MEMORY", "USAGE", "c", "SAMPLES", "0"));
        Assert.Equal("$-1\r\n", kv.Run("MEMORY", "USAGE", "nope"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("MEMORY", "USAGE", "a", "SAMPLES", "-1"));
        Assert.Equal("-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n", kv.Run("MEMORY", "foo"));
        Assert.Equal("-ERR wrong number of arguments for 'object|encoding' command\r\n", kv.Run("OBJECT", "ENCODING"));
        Assert.Equal("-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n", kv.Run("OBJECT", "foo", "a"));
    }

    [Fact]
    public void EncodingFollowsHowAStringWasMade()
    {
        // Redis's string.tcl "SETRANGE against integer-encoded key", and the other in-place changes.
        using var kv = new RespCommandRunner(_clock);
        kv.Run("SET", "k", "1234");
        Assert.Equal(":4\r\n", kv.Run("SETRANGE", "k", "0", "2"));
        Assert.Equal(Bulk("raw"), kv.Run("OBJECT", "ENCODING", "k"));
        Assert.Equal(":1\r\n", kv.Run("OBJECT", "REFCOUNT", "k"));
        kv.Run("SET", "k", "1234");
        kv.Run("SETRANGE", "k", "0", "");
        Assert.Equal(Bulk("int"), kv.Run("OBJECT", "ENCODING", "k"));
        kv.Run("APPEND", "k", "5");
        Assert.Equal(Bulk("raw"), kv.Run("OBJECT", "ENCODING", "k"));
        kv.Run("INCR", "k");
        Assert.Equal(Bulk("int"), kv.Run("OBJECT", "ENCODING", "k"));
        kv.Run("SETBIT", "k", "1", "1");
        Assert.Equal(Bulk("raw"), kv.Run("OBJECT", "ENCODING", "k"));
        kv.Run("SET", "k", "77");
        Assert.Equal(Bulk("int"), kv.Run("OBJECT", "ENCODING", "k"));
        kv.Run("INCRBYFLOAT", "k", "1");
        Assert.Equal(Bulk("embstr"), kv.Run("OBJECT", "ENCODING", "k"));
        Assert.Equal(":1\r\n", kv.Run("OBJECT", "REFCOUNT", "k"));
        kv.Run("APPEND", "new", "12");
        Assert.Equal(Bulk("int"), kv.Run("OBJECT", "ENCODING", "new"));

        // The value keeps its encoding when it moves or is copied, as Redis's object does.
        kv.Run("SETRANGE", "new", "0", "3");
        kv.Run("COPY", "new", "copied");
        kv.Run("RENAME", "new", "renamed");
        kv.Run("MOVE", "renamed", "1");
        Assert.Equal(Bulk("raw"), kv.Run("OBJECT", "ENCODING", "copied"));
        kv.Run("SELECT", "1");
        Assert.Equal(Bulk("raw"), kv.Run("OBJECT", "ENCODING", "renamed"));
    }

    [Fact]
    public void ExistenceAndTimeToLiveLooksAreNotAccesses()
    {
        // Redis looks these up with LOOKUP_NOTOUCH; a write such as EXPIRE is an access.
        using var kv = new RespCommandRunner(_clock);
        kv.Run("SET", "k", "v");
        _clock.Advance(TimeSpan.FromSeconds(100));
        foreach (string[] look in new[] { new[] { "EXISTS", "k" }, ["TYPE", "k"], ["TTL", "k"], ["PTTL", "k"], ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"] })
        {
            kv.Run(look);
            Assert.Equal(":100\r\n", kv.Run("OBJECT", "IDLETIME", "k"));
        }

        kv.Run("EXPIRE", "k", "1000");
        Assert.Equal(":0\r\n", kv.Run("OBJECT", "IDLETIME", "k"));
    }

    [Fact]
    public void IdleTimeIsSinceTheLastAccessAndFreqNeedsAnLfuPolicy()
    {
        using var kv = new RespCommandRunner(_clock);
        kv.Run("SET", "a", "v");
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(":30\r\n", kv.Run("OBJECT", "IDLETIME", "a"));
        // OBJECT does not count as an access; TOUCH and GET do.
        Assert.Equal(":30\r\n", kv.Run("OBJECT", "IDLETIME", "a"));
        Assert.Equal(":1\r\n", kv.Run("TOUCH", "a", "nope"));
        Assert.Equal(":0\r\n", kv.Run("OBJECT", "IDLETIME", "a"));
        Assert.Equal(LfuNotSelected, kv.Run("OBJECT", "FREQ", "a"));

        kv.Store.Access.Lfu = true;
        for (int i = 0; i < 50; i++)
        {
            kv.Run("GET", "a");
        }

        Assert.Matches(@"^:([6-9]|\d\d)\r\n$", kv.Run("OBJECT", "FREQ", "a"));
        Assert.StartsWith("-ERR An LFU maxmemory policy is selected, idle time not tracked.", kv.Run("OBJECT", "IDLETIME", "a"), StringComparison.Ordinal);
    }

    [Fact]
    public void ExpireTimeGetSetAndSubstr()
    {
        using var kv = new RespCommandRunner(_clock);
        kv.Run("SET", "a", "hello", "EX", "100");
        Assert.Equal(Bulk("hello"), kv.Run("GETSET", "a", "world"));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "a"));
        Assert.Equal("$-1\r\n", kv.Run("GETSET", "new", "x"));
        Assert.Equal(Bulk("orl"), kv.Run("SUBSTR", "a", "1", "3"));
        Assert.Equal(":-1\r\n", kv.Run("EXPIRETIME", "a"));
        Assert.Equal(":-2\r\n", kv.Run("EXPIRETIME", "nope"));
        kv.Run("PEXPIREAT", "a", "1999999999600");
        Assert.Equal(":2000000000\r\n", kv.Run("EXPIRETIME", "a"));
        Assert.Equal(":1999999999600\r\n", kv.Run("PEXPIRETIME", "a"));
    }

    [Fact]
    public void Lcs()
    {
        using var kv = new RespCommandRunner(_clock);
        kv.Run("SET", "k1", "ohmytext");
        kv.Run("SET", "k2", "mynewtext");
        Assert.Equal(Bulk("mytext"), kv.Run("LCS", "k1", "k2"));
        Assert.Equal(":6\r\n", kv.Run("LCS", "k1", "k2", "LEN"));
        Assert.Equal("*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
            kv.Run("LCS", "k1", "k2", "IDX"));
        Assert.Equal("*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
            kv.Run("LCS", "k1", "k2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
        Assert.Equal("-ERR If you want both the length and indexes, please just use IDX.\r\n", kv.Run("LCS", "k1", "k2", "LEN", "IDX"));
        Assert.Equal(Bulk(""), kv.Run("LCS", "k1", "nope"));
    }
}
