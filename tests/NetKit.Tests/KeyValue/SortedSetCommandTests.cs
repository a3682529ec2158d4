using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>Sorted-set commands through the kv core, each reply the exact bytes redis-server 7.0.15 sends.</summary>
public class SortedSetCommandTests
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    [Fact]
    public void PlainSetsAreInputsScoredOne()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SADD", "s", "a", "b");
        kv.Run("ZADD", "z", "1", "a");
        kv.Run("SET", "str", "x");
        Assert.Equal("*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n3\r\n",
            kv.Run("ZUNION", "2", "s", "z", "WEIGHTS", "2", "1", "WITHSCORES"));
        Assert.Equal("*1\r\n$1\r\na\r\n", kv.Run("ZINTER", "2", "s", "z"));
        Assert.Equal("*0\r\n", kv.Run("ZINTER", "2", "missing", "s"));
        Assert.Equal(":1\r\n", kv.Run("ZDIFFSTORE", "d", "2", "s", "z"));
        Assert.Equal("*2\r\n$1\r\nb\r\n$1\r\n1\r\n", kv.Run("ZRANGE", "d", "0", "-1", "WITHSCORES"));
        Assert.Equal(WrongType, kv.Run("ZUNION", "2", "s", "str"));
    }

    [Fact]
    public void ScoresArePrintedAsRedisPrintsThem()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal(":9\r\n", kv.Run("ZADD", "z", "1.1", "a", "inf", "b", "-inf", "c", "1e17", "d", "1e16", "e", "1.5e-7", "f", "+5", "g", ".5", "h", "123456789012345678", "i"));
        Assert.Equal(Bulk("1.1000000000000001"), kv.Run("ZSCORE", "z", "a"));
        Assert.Equal(Bulk("inf"), kv.Run("ZSCORE", "z", "b"));
        Assert.Equal(Bulk("-inf"), kv.Run("ZSCORE", "z", "c"));
        Assert.Equal(Bulk("1e+17"), kv.Run("ZSCORE", "z", "d"));
        Assert.Equal(Bulk("10000000000000000"), kv.Run("ZSCORE", "z", "e"));
        Assert.Equal(Bulk("1.4999999999999999e-07"), kv.Run("ZSCORE", "z", "f"));
        Assert.Equal(Bulk("5"), kv.Run("ZSCORE", "z", "g"));
        Assert.Equal(Bulk("0.5"), kv.Run("ZSCORE", "z", "h"));
        Assert.Equal(Bulk("1.2345678901234568e+17"), kv.Run("ZSCORE", "z", "i"));
        Assert.Equal("$-1\r\n", kv.Run("ZSCORE", "z", "missing"));
        Assert.Equal("$-1\r\n", kv.Run("ZSCORE", "nokey", "a"));
        Assert.Equal(Array("5", null, "0.5"), kv.Run("ZMSCORE", "z", "g", "zz", "h"));

        // strtod's hexadecimal form, which Redis takes as well.
        Assert.Equal(":4\r\n", kv.Run("ZADD", "hex", "0x1p3", "a", "0x1.8", "b", "-0X10", "c", "0xAp-2", "d"));
        Assert.Equal(Array("c", "-16", "b", "1.5", "d", "2.5", "a", "8"), kv.Run("ZRANGE", "hex", "0", "-1", "WITHSCORES"));

        // A listpack keeps whole scores as integers: -0 comes back as 0 there, and stays -0 in a skiplist.
        kv.Run("ZADD", "small", "-0", "m");
        Assert.Equal(Bulk("0"), kv.Run("ZSCORE", "small", "m"));
        kv.Run("ZADD", "big", "1", new string('x', 65), "-0", "m");
        Assert.Equal(Bulk("-0"), kv.Run("ZSCORE", "big", "m"));
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("abc")]
    [InlineData("1e400")]
    [InlineData("1e-400")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("")]
    [InlineData("1e")]
    [InlineData("Infinity-")]
    [InlineData("0x")]
    [InlineData("0x1p")]
    [InlineData("0x1p99999")]
    public void AScoreThatIsNotADoubleIsRefused(string score)
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("-ERR value is not a valid float\r\n", kv.Run("ZADD", "z", "1", "a", score, "b"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "z")); // nothing added: every score is checked first
        Assert.Equal("-ERR value is not a valid float\r\n", kv.Run("ZINCRBY", "z", score, "a"));
        Assert.Equal("+PONG\r\n", kv.Run("PING"));
    }

    [Fact]
    public void ZAddOptionsFollowRedis()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal(":3\r\n", kv.Run("ZADD", "z", "1", "a", "2", "b", "3", "c"));
        Assert.Equal("-ERR XX and NX options at the same time are not compatible\r\n", kv.Run("ZADD", "z", "NX", "XX", "1", "a"));
        Assert.Equal("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", kv.Run("ZADD", "z", "GT", "LT", "1", "a"));
        Assert.Equal("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", kv.Run("ZADD", "z", "NX", "GT", "1", "a"));
        Assert.Equal("-ERR INCR option supports a single increment-element pair\r\n", kv.Run("ZADD", "z", "INCR", "1", "a", "2", "b"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZADD", "z", "1", "a", "2"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZADD", "z", "NX", "CH"));
        Assert.Equal("-ERR wrong number of arguments for 'zadd' command\r\n", kv.Run("ZADD", "z", "1"));
        Assert.Equal(Bulk("6"), kv.Run("ZADD", "z", "INCR", "5", "a"));
        Assert.Equal("$-1\r\n", kv.Run("ZADD", "z", "INCR", "NX", "5", "a"));
        Assert.Equal("$-1\r\n", kv.Run("ZADD", "z", "INCR", "XX", "5", "new"));
        Assert.Equal(":2\r\n", kv.Run("ZADD", "z", "CH", "10", "a", "2", "b", "20", "d"));
        Assert.Equal(":1\r\n", kv.Run("ZADD", "z", "GT", "CH", "5", "a", "50", "b"));
        Assert.Equal(":1\r\n", kv.Run("ZADD", "z", "LT", "CH", "5", "a", "60", "b"));
        Assert.Equal(":0\r\n", kv.Run("ZADD", "z", "XX", "1", "nope"));
        Assert.Equal(":0\r\n", kv.Run("ZADD", "none", "XX", "1", "a"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "none"));
        Assert.Equal(Array("5", "50", "3", "20"), kv.Run("ZMSCORE", "z", "a", "b", "c", "d"));
        Assert.Equal(Bulk("inf"), kv.Run("ZINCRBY", "z", "inf", "a"));
        Assert.Equal("-ERR resulting score is not a number (NaN)\r\n", kv.Run("ZINCRBY", "z", "-inf", "a"));
        Assert.Equal("-ERR resulting score is not a number (NaN)\r\n", kv.Run("ZADD", "z", "INCR", "-inf", "a"));
        Assert.Equal(Bulk("3.5"), kv.Run("ZINCRBY", "fresh", "3.5", "m"));
    }

    [Fact]
    public void MembersRanksAndCounts()
    {
        using var kv = new RespCommandRunner();
        kv.Run("ZADD", "z", "1", "a", "2", "b", "3", "c", "3", "d");
        Assert.Equal(":4\r\n", kv.Run("ZCARD", "z"));
        Assert.Equal(":0\r\n", kv.Run("ZCARD", "nokey"));
        Assert.Equal(":2\r\n", kv.Run("ZRANK", "z", "c"));
        Assert.Equal(":0\r\n", kv.Run("ZREVRANK", "z", "d"));
        Assert.Equal("$-1\r\n", kv.Run("ZRANK", "z", "zz"));
        Assert.Equal("$-1\r\n", kv.Run("ZREVRANK", "nokey", "a"));
        Assert.Equal(":4\r\n", kv.Run("ZCOUNT", "z", "-inf", "+inf"));
        Assert.Equal(":1\r\n", kv.Run("ZCOUNT", "z", "(1", "(3"));
        Assert.Equal(":3\r\n", kv.Run("ZCOUNT", "z", "(1", "3"));
        Assert.Equal(":0\r\n", kv.Run("ZCOUNT", "z", "5", "1"));
        Assert.Equal(":0\r\n", kv.Run("ZCOUNT", "z", "(3", "3"));
        Assert.Equal("-ERR min or max is not a float\r\n", kv.Run("ZCOUNT", "z", "a", "1"));
        Assert.Equal(":2\r\n", kv.Run("ZREM", "z", "a", "zz", "b"));
        Assert.Equal(":0\r\n", kv.Run("ZREM", "nokey", "a"));
        Assert.Equal(":2\r\n", kv.Run("ZREM", "z", "c", "d", "a"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "z"));
    }

    [Fact]
    public void WrongTypeEverywhereATypeDoesNotFit()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "s", "v");
        kv.Run("ZADD", "z", "1", "a");
        foreach (var command in new[]
                 {
                     new[] { "ZADD", "s", "1", "a" }, ["ZSCORE", "s", "a"], ["ZRANGE", "s", "0", "-1"], ["ZINCRBY", "s", "1", "a"],
                     ["ZREM", "s", "a"], ["ZCARD", "s"], ["ZPOPMIN", "s"], ["ZRANGESTORE", "d", "s", "0", "-1"], ["ZUNION", "2", "z", "s"],
                     ["ZSCAN", "s", "0"], ["ZRANDMEMBER", "s"], ["ZMPOP", "2", "s", "z", "MIN"],
                     ["GET", "z"], ["HGET", "z", "f"], ["INCR", "z"], ["APPEND", "z", "x"],
                 })
        {
            Assert.Equal(WrongType, kv.Run(command));
        }

        Assert.Equal("+zset\r\n", kv.Run("TYPE", "z"));
        Assert.Equal(Scan("0", Array("z")), kv.Run("SCAN", "0", "TYPE", "zset"));
    }

    [Fact]
    public void RangesByRankScoreAndMember()
    {
        using var kv = new RespCommandRunner();
        kv.Run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        Assert.Equal(Array("a", "b", "c", "d", "e"), kv.Run("ZRANGE", "z", "0", "-1"));
        Assert.Equal(Array("d", "4", "e", "5"), kv.Run("ZRANGE", "z", "-2", "-1", "WITHSCORES"));
        Assert.Equal(Array("a", "b", "c", "d", "e"), kv.Run("ZRANGE", "z", "-100", "100"));
        Assert.Equal("*0\r\n", kv.Run("ZRANGE", "z", "3", "1"));
        Assert.Equal("*0\r\n", kv.Run("ZRANGE", "nokey", "0", "-1"));
        Assert.Equal(Array("e", "d"), kv.Run("ZREVRANGE", "z", "0", "1"));
        Assert.Equal(Array("e", "d"), kv.Run("ZRANGE", "z", "0", "1", "REV"));
        Assert.Equal(Array("b", "c", "d", "e"), kv.Run("ZRANGE", "z", "(1", "5", "BYSCORE"));
        Assert.Equal(Array("e", "d", "c", "b"), kv.Run("ZRANGE", "z", "5", "(1", "BYSCORE", "REV"));
        Assert.Equal(Array("c", "d"), kv.Run("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "2", "2"));
        Assert.Equal(Array("c", "d", "e"), kv.Run("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "2", "-1"));
        Assert.Equal("*0\r\n", kv.Run("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "-1", "2"));
        Assert.Equal(Array("b", "2", "c", "3"), kv.Run("ZRANGEBYSCORE", "z", "2", "(4", "WITHSCORES"));
        Assert.Equal(Array("a", "b"), kv.Run("ZRANGEBYSCORE", "z", "-inf", "2"));
        Assert.Equal(Array("d", "c"), kv.Run("ZREVRANGEBYSCORE", "z", "(5", "3", "LIMIT", "0", "2"));
        Assert.Equal(Array("b", "c"), kv.Run("ZRANGEBYLEX", "z", "[b", "(d"));
        Assert.Equal(Array("a", "b", "c", "d", "e"), kv.Run("ZRANGE", "z", "-", "+", "BYLEX"));
        Assert.Equal(Array("d", "c", "b"), kv.Run("ZREVRANGEBYLEX", "z", "[d", "(a"));
        Assert.Equal(Array("b"), kv.Run("ZRANGEBYLEX", "z", "(a", "+", "LIMIT", "0", "1"));
        Assert.Equal(":3\r\n", kv.Run("ZLEXCOUNT", "z", "[b", "[d"));
        Assert.Equal(":0\r\n", kv.Run("ZLEXCOUNT", "z", "+", "-"));

        Assert.Equal("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n", kv.Run("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"));
        Assert.Equal("-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n", kv.Run("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZRANGE", "z", "0", "1", "LIMIT"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZRANGEBYSCORE", "z", "0", "1", "REV"));
        Assert.Equal("-ERR min or max is not a float\r\n", kv.Run("ZRANGE", "z", "a", "1", "BYSCORE"));
        Assert.Equal("-ERR min or max not valid string range item\r\n", kv.Run("ZRANGEBYLEX", "z", "a", "+"));
        Assert.Equal("-ERR min or max not valid string range item\r\n", kv.Run("ZLEXCOUNT", "z", "-x", "+"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", kv.Run("ZRANGE", "z", "a", "1"));
    }

    [Fact]
    public void RangeStoreAndRemoveRanges()
    {
        using var kv = new RespCommandRunner();
        kv.Run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        Assert.Equal(":2\r\n", kv.Run("ZRANGESTORE", "dst", "z", "2", "4", "BYSCORE", "LIMIT", "1", "5"));
        Assert.Equal(Array("c", "3", "d", "4"), kv.Run("ZRANGE", "dst", "0", "-1", "WITHSCORES"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZRANGESTORE", "dst", "z", "0", "1", "WITHSCORES"));
        Assert.Equal(":0\r\n", kv.Run("ZRANGESTORE", "dst", "z", "10", "20"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "dst"));
        Assert.Equal(":1\r\n", kv.Run("ZREMRANGEBYRANK", "z", "0", "0"));
        Assert.Equal(":1\r\n", kv.Run("ZREMRANGEBYSCORE", "z", "(2", "3"));
        Assert.Equal(":2\r\n", kv.Run("ZREMRANGEBYLEX", "z", "-", "[d"));
        Assert.Equal(Array("e", "5"), kv.Run("ZRANGE", "z", "0", "-1", "WITHSCORES"));
        Assert.Equal("-ERR min or max is not a float\r\n", kv.Run("ZREMRANGEBYSCORE", "z", "a", "b"));
        Assert.Equal(":1\r\n", kv.Run("ZREMRANGEBYRANK", "z", "0", "-1"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "z"));
    }

    [Fact]
    public void PopsTakeFromEitherEnd()
    {
        using var kv = new RespCommandRunner();
        kv.Run("ZADD", "z", "1", "a", "2", "b", "3", "c");
        Assert.Equal(Array("a", "1"), kv.Run("ZPOPMIN", "z"));
        Assert.Equal(Array("c", "3", "b", "2"), kv.Run("ZPOPMAX", "z", "5"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "z"));
        Assert.Equal("*0\r\n", kv.Run("ZPOPMIN", "z"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", kv.Run("ZPOPMIN", "z", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", kv.Run("ZPOPMIN", "z", "a"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZPOPMIN", "z", "1", "2"));

        kv.Run("ZADD", "z", "1", "a", "2", "b", "3", "c");
        Assert.Equal("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", kv.Run("ZMPOP", "2", "nokey", "z", "MIN"));
        Assert.Equal("*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", kv.Run("ZMPOP", "1", "z", "MAX", "COUNT", "10"));
        Assert.Equal("*-1\r\n", kv.Run("ZMPOP", "1", "z", "MAX"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", kv.Run("ZMPOP", "0", "z", "MIN"));
        Assert.Equal("-ERR count should be greater than 0\r\n", kv.Run("ZMPOP", "1", "z", "MIN", "COUNT", "0"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZMPOP", "1", "z", "MIDDLE"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZMPOP", "5", "z", "MIN"));
    }

    [Fact]
    public void RandomMembersAndScan()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("$-1\r\n", kv.Run("ZRANDMEMBER", "z"));
        Assert.Equal("*0\r\n", kv.Run("ZRANDMEMBER", "z", "3"));
        kv.Run("ZADD", "z", "1", "a", "2", "b", "3", "c");
        Assert.Contains(kv.Run("ZRANDMEMBER", "z"), new[] { Bulk("a"), Bulk("b"), Bulk("c") });
        Assert.Equal(Array("a", "b", "c"), Array([.. Members(kv.Run("ZRANDMEMBER", "z", "10")).Order(StringComparer.Ordinal)]));
        var two = kv.Run("ZRANDMEMBER", "z", "2");
        Assert.StartsWith("*2\r\n", two, StringComparison.Ordinal);
        Assert.Equal(2, new[] { "a", "b", "c" }.Count(m => two.Contains($"\r\n{m}\r\n", StringComparison.Ordinal)));
        Assert.StartsWith("*10\r\n", kv.Run("ZRANDMEMBER", "z", "-5", "WITHSCORES"), StringComparison.Ordinal);
        Assert.Equal("*0\r\n", kv.Run("ZRANDMEMBER", "z", "0"));
        Assert.Equal("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
            kv.Run("ZRANDMEMBER", "z", "-9223372036854775808"));
        Assert.Equal("-ERR value is out of range\r\n", kv.Run("ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZRANDMEMBER", "z", "1", "foo"));

        Assert.Equal(Scan("0", Array("a", "1", "b", "2", "c", "3")), kv.Run("ZSCAN", "z", "0"));
        Assert.Equal(Scan("0", Array("b", "2")), kv.Run("ZSCAN", "z", "0", "MATCH", "b*", "COUNT", "1"));
        Assert.Equal("-ERR invalid cursor\r\n", kv.Run("ZSCAN", "z", "x"));
        Assert.Equal(Scan("0", Array()), kv.Run("ZSCAN", "nokey", "0"));
    }

    [Fact]
    public void ScanOfASkiplistPagesThroughEveryMember()
    {
        using var kv = new RespCommandRunner();
        kv.Run(["ZADD", "z", .. Enumerable.Range(0, 300).SelectMany(i => new[] { $"{i}", $"m{i}" })]);
        Assert.Equal(Bulk("skiplist"), kv.Run("OBJECT", "ENCODING", "z"));
        var seen = new HashSet<string>();
        string cursor = "0";
        for (int calls = 0; calls < 1000; calls++)
        {
            var reply = kv.Run("ZSCAN", "z", cursor, "COUNT", "20").Split("\r\n");
            cursor = reply[2];
            for (int i = 4; i + 3 < reply.Length; i += 4)
            {
                Assert.Equal($"m{reply[i + 3]}", reply[i + 1]);
                seen.Add(reply[i + 1]);
            }

            if (cursor == "0")
            {
                break;
            }
        }

        Assert.Equal("0", cursor);
        Assert.Equal(300, seen.Count);
    }

    [Fact]
    public void UnionInterAndDiff()
    {
        using var kv = new RespCommandRunner();
        kv.Run("ZADD", "a", "1", "x", "2", "y", "3", "z");
        kv.Run("ZADD", "b", "10", "y", "20", "z", "30", "w");
        Assert.Equal(Array("x", "1", "y", "12", "z", "23", "w", "30"), kv.Run("ZUNION", "2", "a", "b", "WITHSCORES"));
        Assert.Equal(Array("x", "2", "y", "34", "z", "66", "w", "90"), kv.Run("ZUNION", "2", "a", "b", "WEIGHTS", "2", "3", "WITHSCORES"));
        Assert.Equal(Array("y", "2", "z", "3"), kv.Run("ZINTER", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES"));
        Assert.Equal(Array("y", "10", "z", "20"), kv.Run("ZINTER", "2", "a", "b", "AGGREGATE", "MAX", "WITHSCORES"));
        Assert.Equal(Array("x", "1"), kv.Run("ZDIFF", "2", "a", "b", "WITHSCORES"));
        Assert.Equal("*0\r\n", kv.Run("ZINTER", "2", "a", "nokey"));
        Assert.Equal(":4\r\n", kv.Run("ZUNIONSTORE", "out", "2", "a", "b"));
        Assert.Equal(Array("x", "1", "y", "12", "z", "23", "w", "30"), kv.Run("ZRANGE", "out", "0", "-1", "WITHSCORES"));
        Assert.Equal(":2\r\n", kv.Run("ZINTERSTORE", "out", "2", "a", "b", "WEIGHTS", "1", "inf"));
        Assert.Equal(Array("y", "inf", "z", "inf"), kv.Run("ZRANGE", "out", "0", "-1", "WITHSCORES"));
        Assert.Equal(":0\r\n", kv.Run("ZDIFFSTORE", "out", "2", "a", "a"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "out"));
        Assert.Equal(":2\r\n", kv.Run("ZINTERCARD", "2", "a", "b"));
        Assert.Equal(":1\r\n", kv.Run("ZINTERCARD", "2", "a", "b", "LIMIT", "1"));
        // inf * -inf... and inf + -inf are NaN, which Redis makes 0.
        kv.Run("ZADD", "inf", "1", "x");
        Assert.Equal(Array("y", "2", "z", "3", "x", "inf"), kv.Run("ZUNION", "2", "a", "inf", "WEIGHTS", "1", "inf", "WITHSCORES"));
        Assert.Equal(Array("x", "0"), kv.Run("ZINTER", "2", "a", "inf", "WEIGHTS", "inf", "-inf", "WITHSCORES"));

        Assert.Equal("-ERR at least 1 input key is needed for 'zunion' command\r\n", kv.Run("ZUNION", "0", "a"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZUNION", "3", "a", "b"));
        Assert.Equal("-ERR weight value is not a float\r\n", kv.Run("ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZUNION", "2", "a", "b", "AGGREGATE", "AVG"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZDIFF", "2", "a", "b", "WEIGHTS", "1", "2"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("ZUNIONSTORE", "out", "2", "a", "b", "WITHSCORES"));
        Assert.Equal("-ERR LIMIT can't be negative\r\n", kv.Run("ZINTERCARD", "2", "a", "b", "LIMIT", "-1"));
        kv.Run("SET", "s", "v");
        Assert.Equal(WrongType, kv.Run("ZUNION", "2", "a", "s", "BADOPTION"));
    }

    [Fact]
    public void EncodingIsListpackUntilTheLimitsThenSkiplistForGood()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal(Array("zset-max-listpack-entries", "128"), kv.Run("CONFIG", "GET", "zset-max-listpack-entries"));
        Assert.Equal(Array("zset-max-ziplist-value", "64"), kv.Run("CONFIG", "GET", "zset-max-ziplist-value"));
        kv.Run(["ZADD", "z", .. Enumerable.Range(0, 128).SelectMany(i => new[] { $"{i}", $"m{i}" })]);
        Assert.Equal(Bulk("listpack"), kv.Run("OBJECT", "ENCODING", "z"));
        kv.Run("ZADD", "z", "1", "one-more");
        Assert.Equal(Bulk("skiplist"), kv.Run("OBJECT", "ENCODING", "z"));
        kv.Run("ZREMRANGEBYRANK", "z", "0", "-3");
        Assert.Equal(Bulk("skiplist"), kv.Run("OBJECT", "ENCODING", "z"));

        kv.Run("ZADD", "long", "1", new string('v', 64));
        Assert.Equal(Bulk("listpack"), kv.Run("OBJECT", "ENCODING", "long"));
        kv.Run("ZADD", "long", "1", new string('v', 65));
        Assert.Equal(Bulk("skiplist"), kv.Run("OBJECT", "ENCODING", "long"));

        // A set built whole takes the encoding its size calls for.
        Assert.Equal(":2\r\n", kv.Run("ZRANGESTORE", "small", "z", "0", "-1"));
        Assert.Equal(Bulk("listpack"), kv.Run("OBJECT", "ENCODING", "small"));
        Assert.Equal(Bulk("skiplist"), kv.Run("OBJECT", "ENCODING", "long"));

        Assert.Equal("+OK\r\n", kv.Run("CONFIG", "SET", "zset-max-ziplist-entries", "2", "zset-max-listpack-value", "3"));
        kv.Run("ZADD", "c", "1", "a", "2", "b");
        Assert.Equal(Bulk("listpack"), kv.Run("OBJECT", "ENCODING", "c"));
        kv.Run("ZADD", "c", "3", "c");
        Assert.Equal(Bulk("skiplist"), kv.Run("OBJECT", "ENCODING", "c"));
        kv.Run("ZADD", "d", "1", "abcd");
        Assert.Equal(Bulk("skiplist"), kv.Run("OBJECT", "ENCODING", "d"));
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'zset-max-listpack-entries')",
            kv.Run("CONFIG", "SET", "zset-max-listpack-entries", "x"), StringComparison.Ordinal);
    }

    [Fact]
    public void CopyKeepsTheEncodingAndIsIndependent()
    {
        using var kv = new RespCommandRunner();
        kv.Run("ZADD", "z", "1", "a", "2", "b");
        Assert.Equal(":1\r\n", kv.Run("COPY", "z", "c"));
        kv.Run("ZADD", "z", "3", "c");
        Assert.Equal(Array("a", "1", "b", "2"), kv.Run("ZRANGE", "c", "0", "-1", "WITHSCORES"));
        Assert.Equal(Bulk("listpack"), kv.Run("OBJECT", "ENCODING", "c"));
        kv.Run("ZADD", "z", "1", new string('x', 100));
        Assert.Equal(":1\r\n", kv.Run("COPY", "z", "d"));
        Assert.Equal(Bulk("skiplist"), kv.Run("OBJECT", "ENCODING", "d"));
        Assert.Equal(":4\r\n", kv.Run("ZCARD", "d"));
        Assert.StartsWith(":", kv.Run("MEMORY", "USAGE", "d"), StringComparison.Ordinal);
    }

    [Fact]
    public void Resp3GetsDoublesAndPairs()
    {
        using var kv = new RespCommandRunner();
        kv.Run("HELLO", "3");
        kv.Run("ZADD", "z", "1", "a", "2.5", "b", "inf", "c");
        Assert.Equal(",2.5\r\n", kv.Run("ZSCORE", "z", "b"));
        Assert.Equal("_\r\n", kv.Run("ZSCORE", "z", "nope"));
        Assert.Equal("*3\r\n,1\r\n_\r\n,inf\r\n", kv.Run("ZMSCORE", "z", "a", "nope", "c"));
        Assert.Equal(",2\r\n", kv.Run("ZINCRBY", "z", "1", "a"));
        Assert.Equal("_\r\n", kv.Run("ZRANK", "z", "nope"));
        Assert.Equal("*3\r\n*2\r\n$1\r\na\r\n,2\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\nc\r\n,inf\r\n",
            kv.Run("ZRANGE", "z", "0", "-1", "WITHSCORES"));
        Assert.Equal(Array("a", "b", "c"), kv.Run("ZRANGE", "z", "0", "-1"));
        kv.Run("ZADD", "y", "0", "a", "0", "b");
        Assert.Equal("*2\r\n*2\r\n$1\r\na\r\n,2\r\n*2\r\n$1\r\nb\r\n,2.5\r\n", kv.Run("ZINTER", "2", "z", "y", "WITHSCORES"));
        // A plain pop stays flat, a pop with a count gets pairs.
        Assert.Equal("*2\r\n$1\r\na\r\n,2\r\n", kv.Run("ZPOPMIN", "z"));
        Assert.Equal("*1\r\n*2\r\n$1\r\nc\r\n,inf\r\n", kv.Run("ZPOPMAX", "z", "1"));
        Assert.Equal("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n", kv.Run("ZMPOP", "1", "z", "MIN"));
        Assert.Equal("_\r\n", kv.Run("ZMPOP", "1", "z", "MIN"));
        // ZSCAN's scores are strings, as Redis's SCAN replies are.
        kv.Run("ZADD", "s", "1.5", "m");
        Assert.Equal(Scan("0", Array("m", "1.5")), kv.Run("ZSCAN", "s", "0"));
    }

    [Fact]
    public void AWriteTouchesAWatchedSortedSet()
    {
        using var kv = new RespCommandRunner();
        using var other = new RespCommandRunner(kv.Database);
        kv.Run("ZADD", "z", "1", "a");
        kv.Run("WATCH", "z");
        other.Run("ZINCRBY", "z", "1", "a");
        kv.Run("MULTI");
        kv.Run("ZCARD", "z");
        Assert.Equal("*-1\r\n", kv.Run("EXEC"));
    }

    /// <summary>A SCAN-style reply: the cursor, then the page (an array reply).</summary>
    private static string Scan(string cursor, string page) => $"*2\r\n{Bulk(cursor)}{page}";

    /// <summary>The bulk strings of a flat array reply.</summary>
    private static string[] Members(string reply)
    {
        var lines = reply.Split("\r\n")[1..^1];
        return [.. Enumerable.Range(0, lines.Length / 2).Select(i => lines[(2 * i) + 1])];
    }
}
