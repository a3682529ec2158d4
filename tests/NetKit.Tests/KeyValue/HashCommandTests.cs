using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

public class HashCommandTests
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    [Fact]
    public void ExpiryCommandsWorkOnAHash_AsOnAnyType()
    {
        using var kv = new RespCommandRunner();
        kv.Run("HSET", "h", "f", "v");
        Assert.Equal(":-1\r\n", kv.Run("TTL", "h"));
        Assert.Equal(":-1\r\n", kv.Run("EXPIRETIME", "h"));
        Assert.Equal(":1\r\n", kv.Run("EXPIRE", "h", "100"));
        Assert.Equal(":100\r\n", kv.Run("TTL", "h"));
        Assert.StartsWith(":", kv.Run("PTTL", "h"), StringComparison.Ordinal);
        Assert.StartsWith(":", kv.Run("EXPIRETIME", "h"), StringComparison.Ordinal);
        Assert.StartsWith(":", kv.Run("PEXPIRETIME", "h"), StringComparison.Ordinal);
        Assert.Equal(":-2\r\n", kv.Run("TTL", "missing"));
    }

    [Fact]
    public void SetGetAndDeleteFields()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal(":2\r\n", kv.Run("HSET", "h", "a", "1", "b", "2"));
        Assert.Equal(":0\r\n", kv.Run("HSET", "h", "a", "10"));
        Assert.Equal("+OK\r\n", kv.Run("HMSET", "h", "c", "3"));
        Assert.Equal(Bulk("10"), kv.Run("HGET", "h", "a"));
        Assert.Equal("$-1\r\n", kv.Run("HGET", "h", "zz"));
        Assert.Equal(Array("10", null, "3"), kv.Run("HMGET", "h", "a", "zz", "c"));
        Assert.Equal(Array(null, null), kv.Run("HMGET", "missing", "a", "b"));
        Assert.Equal(":3\r\n", kv.Run("HLEN", "h"));
        Assert.Equal(":2\r\n", kv.Run("HSTRLEN", "h", "a"));
        Assert.Equal(":1\r\n", kv.Run("HEXISTS", "h", "b"));
        Assert.Equal(":0\r\n", kv.Run("HSETNX", "h", "b", "x"));
        Assert.Equal(":1\r\n", kv.Run("HSETNX", "h", "d", "4"));
        Assert.Equal(":2\r\n", kv.Run("HDEL", "h", "a", "zz", "b"));
        Assert.Equal(Array("c", "3", "d", "4"), Sorted(kv.Run("HGETALL", "h")));
        Assert.Equal(":2\r\n", kv.Run("HDEL", "h", "c", "d"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "h"));
        Assert.Equal("-ERR wrong number of arguments for 'hset' command\r\n", kv.Run("HSET", "h", "a", "1", "b"));
    }

    [Fact]
    public void WrongTypeEverywhereATypeDoesNotFit()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "s", "v");
        kv.Run("HSET", "h", "f", "v");
        Assert.Equal(WrongType, kv.Run("HGET", "s", "f"));
        Assert.Equal(WrongType, kv.Run("HSET", "s", "f", "v"));
        Assert.Equal(WrongType, kv.Run("HGETALL", "s"));
        Assert.Equal(WrongType, kv.Run("GET", "h"));
        Assert.Equal(WrongType, kv.Run("INCR", "h"));
        Assert.Equal(WrongType, kv.Run("APPEND", "h", "x"));
        Assert.Equal(WrongType, kv.Run("SET", "h", "x", "GET"));
        Assert.Equal(Array(null, "v"), kv.Run("MGET", "h", "s"));
        Assert.Equal("+OK\r\n", kv.Run("SET", "h", "x"));
        Assert.Equal("+string\r\n", kv.Run("TYPE", "h"));
    }

    [Fact]
    public void IncrementsKeepRedisErrorsAndLimits()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal(":5\r\n", kv.Run("HINCRBY", "h", "n", "5"));
        Assert.Equal(":-5\r\n", kv.Run("HINCRBY", "h", "n", "-10"));
        kv.Run("HSET", "h", "big", "9223372036854775807", "text", "abc");
        Assert.Equal("-ERR increment or decrement would overflow\r\n", kv.Run("HINCRBY", "h", "big", "1"));
        Assert.Equal("-ERR hash value is not an integer\r\n", kv.Run("HINCRBY", "h", "text", "1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", kv.Run("HINCRBY", "h", "n", "x"));
        Assert.Equal(Bulk("1.5"), kv.Run("HINCRBYFLOAT", "h", "f", "1.5"));
        Assert.Equal(Bulk("1.6"), kv.Run("HINCRBYFLOAT", "h", "f", "0.1"));
        Assert.Equal("-ERR hash value is not a float\r\n", kv.Run("HINCRBYFLOAT", "h", "text", "1"));
        Assert.Equal("-ERR value is not a valid float\r\n", kv.Run("HINCRBYFLOAT", "h", "f", "x"));
        Assert.Equal("-ERR value is NaN or Infinity\r\n", kv.Run("HINCRBYFLOAT", "h", "f", "inf"));
        kv.Run("HSET", "h", "huge", "1.1e4932");
        Assert.Equal("-ERR increment would produce NaN or Infinity\r\n", kv.Run("HINCRBYFLOAT", "h", "huge", "1.1e4932"));
    }

    [Fact]
    public void RandomFieldsFollowTheCountRules()
    {
        using var kv = new RespCommandRunner();
        kv.Run("HSET", "h", "a", "1", "b", "2", "c", "3");
        Assert.Matches(@"^\$1\r\n[abc]\r\n$", kv.Run("HRANDFIELD", "h"));
        Assert.Equal("$-1\r\n", kv.Run("HRANDFIELD", "missing"));
        Assert.Equal("*0\r\n", kv.Run("HRANDFIELD", "missing", "3"));
        Assert.Equal("*0\r\n", kv.Run("HRANDFIELD", "h", "0"));
        Assert.StartsWith("*3\r\n", kv.Run("HRANDFIELD", "h", "10"));
        Assert.StartsWith("*2\r\n", kv.Run("HRANDFIELD", "h", "2"));
        Assert.StartsWith("*10\r\n", kv.Run("HRANDFIELD", "h", "-5", "WITHVALUES"));
        Assert.StartsWith("*7\r\n", kv.Run("HRANDFIELD", "h", "-7"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("HRANDFIELD", "h", "1", "WITHVALUES", "x"));
        Assert.Equal("-ERR value is out of range\r\n", kv.Run("HRANDFIELD", "h", "-9223372036854770000", "WITHVALUES"));
        Assert.StartsWith("-ERR value is out of range, value must between", kv.Run("HRANDFIELD", "h", "-9223372036854775808"));
    }

    [Fact]
    public void ScanReturnsEveryMatchingFieldAtOnce()
    {
        using var kv = new RespCommandRunner();
        kv.Run("HSET", "h", "ab", "1", "ac", "2", "b", "3");
        Assert.Equal("*2\r\n$1\r\n0\r\n*4\r\n", kv.Run("HSCAN", "h", "0", "MATCH", "a*")[..15]);
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", kv.Run("HSCAN", "missing", "0"));
        Assert.Equal("-ERR invalid cursor\r\n", kv.Run("HSCAN", "h", "x"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("HSCAN", "h", "0", "COUNT"));
    }

    [Fact]
    public void ExpiryRemovesAHashToo()
    {
        var clock = new ManualClock();
        using var kv = new RespCommandRunner(clock);
        kv.Run("HSET", "h", "f", "v");
        Assert.Equal(":1\r\n", kv.Run("PEXPIRE", "h", "100"));
        clock.AdvanceMs(100);
        Assert.Equal("$-1\r\n", kv.Run("HGET", "h", "f"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "h"));
        Assert.Equal(0, kv.Store.UsedBytes);
    }

    /// <summary>HGETALL's pairs sorted by field, so a test does not depend on the dictionary's order.</summary>
    private static string Sorted(string reply)
    {
        var lines = reply.Split("\r\n")[1..^1];
        var pairs = new List<(string Field, string Value)>();
        for (int i = 0; i < lines.Length; i += 4)
        {
            pairs.Add((lines[i + 1], lines[i + 3]));
        }

        return Array([.. pairs.OrderBy(p => p.Field, StringComparer.Ordinal).SelectMany(p => new[] { p.Field, p.Value })]);
    }
}
