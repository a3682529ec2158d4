using NetKit.Tests.KeyValue.Server;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>The set commands; every expected reply is redis-server 7.0.15's bytes to the same commands.</summary>
public class SetCommandTests
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    [Fact]
    public void AddRemoveAndMembership()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal(":3\r\n", kv.Run("SADD", "s", "3", "-1", "10"));
        Assert.Equal(":1\r\n", kv.Run("SADD", "s", "10", "7"));
        Assert.Equal(":4\r\n", kv.Run("SCARD", "s"));
        // An intset answers in ascending order, as Redis's does.
        Assert.Equal("*4\r\n$2\r\n-1\r\n$1\r\n3\r\n$1\r\n7\r\n$2\r\n10\r\n", kv.Run("SMEMBERS", "s"));
        Assert.Equal(":1\r\n", kv.Run("SISMEMBER", "s", "7"));
        Assert.Equal(":0\r\n", kv.Run("SISMEMBER", "s", "07"));
        Assert.Equal("*3\r\n:1\r\n:0\r\n:1\r\n", kv.Run("SMISMEMBER", "s", "3", "x", "-1"));
        Assert.Equal("*2\r\n:0\r\n:0\r\n", kv.Run("SMISMEMBER", "missing", "a", "b"));
        Assert.Equal(":2\r\n", kv.Run("SREM", "s", "3", "x", "7"));
        Assert.Equal("*2\r\n$2\r\n-1\r\n$2\r\n10\r\n", kv.Run("SMEMBERS", "s"));
        Assert.Equal("+set\r\n", kv.Run("TYPE", "s"));
        Assert.Equal(":2\r\n", kv.Run("SREM", "s", "-1", "10", "11"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "s"));
        Assert.Equal("*0\r\n", kv.Run("SMEMBERS", "s"));
        Assert.Equal(":0\r\n", kv.Run("SCARD", "s"));
        Assert.Equal(":0\r\n", kv.Run("SREM", "s", "a"));
    }

    [Fact]
    public void ErrorsAreRedisOwn()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SADD", "s", "1", "2", "3");
        Assert.Equal("-ERR wrong number of arguments for 'sadd' command\r\n", kv.Run("SADD", "s"));
        Assert.Equal("-ERR wrong number of arguments for 'smismember' command\r\n", kv.Run("SMISMEMBER", "s"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", kv.Run("SINTERCARD", "0", "s"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", kv.Run("SINTERCARD", "a", "s"));
        Assert.Equal("-ERR Number of keys can't be greater than number of args\r\n", kv.Run("SINTERCARD", "2", "s"));
        Assert.Equal("-ERR LIMIT can't be negative\r\n", kv.Run("SINTERCARD", "1", "s", "LIMIT", "-1"));
        Assert.Equal("-ERR LIMIT can't be negative\r\n", kv.Run("SINTERCARD", "1", "s", "LIMIT", "a"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SINTERCARD", "1", "s", "LIMIT"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SINTERCARD", "1", "s", "bar"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", kv.Run("SPOP", "s", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", kv.Run("SPOP", "s", "a"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SPOP", "s", "1", "2"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SRANDMEMBER", "s", "1", "2"));
        Assert.Equal("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            kv.Run("SRANDMEMBER", "s", "-9223372036854775808"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", kv.Run("SRANDMEMBER", "s", "a"));
        Assert.Equal("-ERR invalid cursor\r\n", kv.Run("SSCAN", "s", "a"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SSCAN", "s", "0", "COUNT", "0"));
        Assert.Equal(":3\r\n", kv.Run("SCARD", "s"));
    }

    [Fact]
    public void WrongTypeEverywhereATypeDoesNotFit()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "str", "x");
        kv.Run("SADD", "s", "a", "b");
        foreach (string[] command in new string[][]
        {
            ["SADD", "str", "a"], ["SREM", "str", "a"], ["SISMEMBER", "str", "a"], ["SMISMEMBER", "str", "a"],
            ["SMEMBERS", "str"], ["SCARD", "str"], ["SPOP", "str"], ["SPOP", "str", "2"], ["SRANDMEMBER", "str"],
            ["SRANDMEMBER", "str", "2"], ["SSCAN", "str", "0"], ["SMOVE", "str", "s", "a"], ["SMOVE", "s", "str", "a"],
            ["SINTER", "missing", "str"], ["SUNION", "s", "str"], ["SDIFF", "missing", "str"], ["SINTERCARD", "2", "s", "str"],
            ["SINTERSTORE", "d", "missing", "str"], ["SUNIONSTORE", "d", "str"], ["SDIFFSTORE", "d", "s", "str"],
            ["GET", "s"], ["HGET", "s", "f"], ["INCR", "s"],
        })
        {
            Assert.True(WrongType == kv.Run(command), string.Join(' ', command));
        }

        // Nothing moved or was stored on the way to the error.
        Assert.Equal(":2\r\n", kv.Run("SCARD", "s"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "d"));
        // A missing source is 0 before the destination's type is looked at, as in Redis.
        Assert.Equal(":0\r\n", kv.Run("SMOVE", "missing", "str", "a"));
        Assert.Equal(Array(null, "x"), kv.Run("MGET", "s", "str"));
    }

    [Fact]
    public void MissingKeysAnswerAsRedis()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("$-1\r\n", kv.Run("SPOP", "missing"));
        Assert.Equal("*0\r\n", kv.Run("SPOP", "missing", "3"));
        Assert.Equal("$-1\r\n", kv.Run("SRANDMEMBER", "missing"));
        Assert.Equal("*0\r\n", kv.Run("SRANDMEMBER", "missing", "5"));
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", kv.Run("SSCAN", "missing", "0"));
        Assert.Equal("*0\r\n", kv.Run("SINTER", "missing", "other"));
        Assert.Equal(":0\r\n", kv.Run("SINTERCARD", "1", "missing"));
    }

    [Fact]
    public void Resp3GetsSetRepliesWhereRedisSendsThem()
    {
        using var kv = new RespCommandRunner();
        kv.Run("HELLO", "3");
        kv.Run("SADD", "s", "2", "1");
        Assert.Equal("~2\r\n$1\r\n1\r\n$1\r\n2\r\n", kv.Run("SMEMBERS", "s"));
        Assert.Equal("~2\r\n$1\r\n1\r\n$1\r\n2\r\n", kv.Run("SUNION", "s", "missing"));
        Assert.Equal("~0\r\n", kv.Run("SINTER", "s", "missing"));
        Assert.Equal("~0\r\n", kv.Run("SPOP", "missing", "2"));
        Assert.Equal("_\r\n", kv.Run("SPOP", "missing"));
        // SRANDMEMBER's count replies stay arrays, as in Redis 7.0.
        Assert.Equal("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", kv.Run("SRANDMEMBER", "s", "5"));
        Assert.Equal("*1\r\n:1\r\n", kv.Run("SMISMEMBER", "s", "1"));
        Assert.Equal("~2\r\n$1\r\n1\r\n$1\r\n2\r\n", kv.Run("SPOP", "s", "2"));
    }

    [Fact]
    public void TheAlgebraAndItsStores()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SADD", "a", "1", "2", "3", "4");
        kv.Run("SADD", "b", "3", "4", "5");
        kv.Run("SADD", "c", "4", "x");
        Assert.Equal("*2\r\n$1\r\n3\r\n$1\r\n4\r\n", kv.Run("SINTER", "a", "b"));
        Assert.Equal("*1\r\n$1\r\n4\r\n", kv.Run("SINTER", "a", "b", "c"));
        Assert.Equal("*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n", kv.Run("SUNION", "a", "missing", "b"));
        Assert.Equal("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", kv.Run("SDIFF", "a", "b"));
        Assert.Equal("*0\r\n", kv.Run("SDIFF", "a", "a"));
        Assert.Equal(":1\r\n", kv.Run("SINTERCARD", "3", "a", "b", "c"));
        Assert.Equal(":1\r\n", kv.Run("SINTERCARD", "2", "a", "b", "LIMIT", "1"));
        Assert.Equal(":2\r\n", kv.Run("SINTERCARD", "2", "a", "b", "LIMIT", "0"));

        // A store replaces whatever the destination held; an empty result deletes it.
        kv.Run("SET", "d", "string");
        Assert.Equal(":4\r\n", kv.Run("SUNIONSTORE", "d", "b", "c"));
        Assert.Equal("$9\r\nhashtable\r\n", kv.Run("OBJECT", "ENCODING", "d"));
        Assert.Equal(":2\r\n", kv.Run("SINTERSTORE", "d", "a", "b"));
        Assert.Equal("$6\r\nintset\r\n", kv.Run("OBJECT", "ENCODING", "d"));
        Assert.Equal(":2\r\n", kv.Run("SDIFFSTORE", "a", "a", "b"));
        Assert.Equal("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", kv.Run("SMEMBERS", "a"));
        Assert.Equal(":0\r\n", kv.Run("SINTERSTORE", "d", "a", "missing"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "d"));
    }

    [Fact]
    public void SmoveMovesOneMember()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SADD", "from", "1", "a");
        kv.Run("SADD", "to", "2");
        Assert.Equal(":1\r\n", kv.Run("SMOVE", "from", "to", "a"));
        Assert.Equal("$9\r\nhashtable\r\n", kv.Run("OBJECT", "ENCODING", "to"));
        Assert.Equal(":0\r\n", kv.Run("SMOVE", "from", "to", "a"));
        Assert.Equal(":1\r\n", kv.Run("SMOVE", "from", "from", "1"));
        Assert.Equal(":1\r\n", kv.Run("SMOVE", "from", "new", "1"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "from"));
        Assert.Equal("$6\r\nintset\r\n", kv.Run("OBJECT", "ENCODING", "new"));
        Assert.Equal(":2\r\n", kv.Run("SCARD", "to"));
    }

    [Fact]
    public void AWriteThatChangesNothingLeavesAWatchAlone()
    {
        using var a = new RespSession();
        using var b = a.Connect();
        a.Call("SADD", "src", "x", "y");
        a.Call("SADD", "dst", "x");
        a.Call("WATCH", "dst");
        // Already a member: SADD and SMOVE's addition change nothing there, as in Redis (SMOVE notifies dst only on add).
        b.Call("SADD", "dst", "x");
        b.Call("SMOVE", "src", "dst", "x");
        b.Call("SREM", "dst", "nope");
        a.Call("MULTI");
        a.Call("SCARD", "dst");
        Assert.Equal(1, a.Call("EXEC")[0].Integer);

        a.Call("WATCH", "dst");
        b.Call("SADD", "dst", "new");
        a.Call("MULTI");
        a.Call("SCARD", "dst");
        Assert.True(a.Call("EXEC").IsNull);
    }

    [Fact]
    public void KeyCommandsKnowSets()
    {
        using var kv = new RespSession();
        kv.Call("SADD", "s", "1", "2", "a");
        kv.Call("SET", "str", "v");
        Assert.Equal(1, kv.Call("COPY", "s", "copy").Integer);
        kv.Call("SADD", "copy", "more");
        Assert.Equal(3, kv.Call("SCARD", "s").Integer);
        Assert.Equal(4, kv.Call("SCARD", "copy").Integer);
        Assert.Equal(["copy", "s"], kv.Call("SCAN", "0", "TYPE", "set")[1].Items!.Select(k => k.Text!).Order());
        Assert.Equal("OK", kv.Call("RENAME", "s", "t").Text);
        Assert.Equal(1, kv.Call("MOVE", "t", "3").Integer);
        kv.Call("SELECT", "3");
        Assert.Equal(1, kv.Call("SISMEMBER", "t", "a").Integer);
        Assert.Equal(1, kv.Call("EXPIRE", "t", "100").Integer);
        Assert.Equal(100, kv.Call("TTL", "t").Integer);
        long small = kv.Call("MEMORY", "USAGE", "t").Integer;
        kv.Call(["SADD", "t", .. Enumerable.Range(0, 100).Select(i => $"member {i}")]);
        Assert.True(kv.Call("MEMORY", "USAGE", "t").Integer > small + (100 * 8));
    }
}
