using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// The list commands byte for byte as redis-server 7.0.15 answers them (each reply below was read from one):
/// pushes and pops with their counts, ranges and indexes from either end, LSET/LREM/LTRIM/LINSERT/LPOS with
/// their errors, the moves and LMPOP, SORT over a list, and the type's place in TYPE, OBJECT, COPY and DUMP.
/// </summary>
public class ListCommandTests
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    [Fact]
    public void PushesAndPops_FromBothEnds_WithTheirCounts()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal(":3\r\n", kv.Run("RPUSH", "l", "a", "b", "c"));
        Assert.Equal(":5\r\n", kv.Run("LPUSH", "l", "y", "z"));
        Assert.Equal(Array("z", "y", "a", "b", "c"), kv.Run("LRANGE", "l", "0", "-1"));
        Assert.Equal(Bulk("z"), kv.Run("LPOP", "l"));
        Assert.Equal(Array("c", "b"), kv.Run("RPOP", "l", "2"));
        Assert.Equal("*0\r\n", kv.Run("LPOP", "l", "0"));
        Assert.Equal("*-1\r\n", kv.Run("LPOP", "missing", "0"));
        Assert.Equal("$-1\r\n", kv.Run("LPOP", "missing"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", kv.Run("LPOP", "l", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", kv.Run("LPOP", "l", "abc"));
        Assert.Equal("-ERR wrong number of arguments for 'lpop' command\r\n", kv.Run("LPOP", "l", "1", "2"));
        Assert.Equal(":0\r\n", kv.Run("LPUSHX", "missing", "a"));
        Assert.Equal(":4\r\n", kv.Run("RPUSHX", "l", "p", "q"));
        Assert.Equal(Array("y", "a", "p", "q"), kv.Run("LPOP", "l", "10"));
        // The last element gone, the key is gone, as in Redis.
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "l"));
    }

    [Fact]
    public void RangesAndIndexes_CountFromEitherEnd_AndClamp()
    {
        using var kv = new RespCommandRunner();
        kv.Run("RPUSH", "l", "a", "b", "c", "d");
        Assert.Equal(Array("c", "d"), kv.Run("LRANGE", "l", "-2", "100"));
        Assert.Equal(Array("a", "b", "c", "d"), kv.Run("LRANGE", "l", "-100", "100"));
        Assert.Equal("*0\r\n", kv.Run("LRANGE", "l", "3", "1"));
        Assert.Equal("*0\r\n", kv.Run("LRANGE", "missing", "0", "-1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", kv.Run("LRANGE", "l", "a", "b"));
        Assert.Equal(Bulk("d"), kv.Run("LINDEX", "l", "-1"));
        Assert.Equal("$-1\r\n", kv.Run("LINDEX", "l", "99"));
        Assert.Equal(":4\r\n", kv.Run("LLEN", "l"));
        Assert.Equal(":0\r\n", kv.Run("LLEN", "missing"));
    }

    [Fact]
    public void SetRemoveTrimAndInsert_AsRedisDoes()
    {
        using var kv = new RespCommandRunner();
        kv.Run("RPUSH", "l", "a", "b", "a", "b", "a");
        Assert.Equal("-ERR index out of range\r\n", kv.Run("LSET", "l", "99", "z"));
        Assert.Equal("-ERR no such key\r\n", kv.Run("LSET", "missing", "0", "z"));
        Assert.Equal("+OK\r\n", kv.Run("LSET", "l", "-1", "z"));
        Assert.Equal(":2\r\n", kv.Run("LREM", "l", "-2", "a"));
        Assert.Equal(Array("b", "b", "z"), kv.Run("LRANGE", "l", "0", "-1"));
        Assert.Equal(":2\r\n", kv.Run("LREM", "l", "0", "b"));
        Assert.Equal(":2\r\n", kv.Run("LINSERT", "l", "BEFORE", "z", "y"));
        Assert.Equal(":-1\r\n", kv.Run("LINSERT", "l", "after", "a", "x"));
        Assert.Equal(":3\r\n", kv.Run("LINSERT", "l", "AFTER", "y", "x"));
        Assert.Equal(Array("y", "x", "z"), kv.Run("LRANGE", "l", "0", "4"));
        Assert.Equal(":0\r\n", kv.Run("LINSERT", "missing", "BEFORE", "a", "q"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("LINSERT", "l", "middle", "a", "q"));
        Assert.Equal("+OK\r\n", kv.Run("LTRIM", "l", "1", "-2"));
        Assert.Equal(Array("x"), kv.Run("LRANGE", "l", "0", "-1"));
        Assert.Equal("+OK\r\n", kv.Run("LTRIM", "l", "1", "0"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "l"));
    }

    [Fact]
    public void LPos_FindsByRankCountAndMaxLen_WithRedisErrors()
    {
        using var kv = new RespCommandRunner();
        kv.Run("RPUSH", "m", "a", "b", "a", "b", "a");
        Assert.Equal(":0\r\n", kv.Run("LPOS", "m", "a"));
        Assert.Equal(":4\r\n", kv.Run("LPOS", "m", "a", "RANK", "-1"));
        Assert.Equal("*3\r\n:4\r\n:2\r\n:0\r\n", kv.Run("LPOS", "m", "a", "COUNT", "0", "RANK", "-1"));
        Assert.Equal("*2\r\n:0\r\n:2\r\n", kv.Run("LPOS", "m", "a", "COUNT", "2", "MAXLEN", "3"));
        Assert.Equal("$-1\r\n", kv.Run("LPOS", "m", "zz"));
        Assert.Equal("*0\r\n", kv.Run("LPOS", "missing", "a", "COUNT", "1"));
        Assert.Equal("-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
            kv.Run("LPOS", "m", "a", "RANK", "0"));
        Assert.Equal("-ERR COUNT can't be negative\r\n", kv.Run("LPOS", "m", "a", "COUNT", "-1"));
        Assert.Equal("-ERR MAXLEN can't be negative\r\n", kv.Run("LPOS", "m", "a", "MAXLEN", "-1"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("LPOS", "m", "a", "foo"));
    }

    [Fact]
    public void MovesAndLMPop_CheckTheirArgumentsInRedisOrder()
    {
        using var kv = new RespCommandRunner();
        kv.Run("RPUSH", "l", "a", "b", "c");
        kv.Run("SET", "s", "v");
        Assert.Equal(Bulk("a"), kv.Run("LMOVE", "l", "d", "LEFT", "RIGHT"));
        Assert.Equal(Bulk("c"), kv.Run("RPOPLPUSH", "l", "d"));
        Assert.Equal(Array("c", "a"), kv.Run("LRANGE", "d", "0", "-1"));
        Assert.Equal("$-1\r\n", kv.Run("LMOVE", "missing", "d", "LEFT", "LEFT"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("LMOVE", "l", "d", "LEFT", "MIDDLE"));
        Assert.Equal(WrongType, kv.Run("LMOVE", "l", "s", "LEFT", "LEFT"));
        Assert.Equal(Array("b"), kv.Run("LRANGE", "l", "0", "-1"));
        // A missing source is nil before the destination's type is looked at.
        Assert.Equal("$-1\r\n", kv.Run("LMOVE", "missing", "s", "LEFT", "LEFT"));

        Assert.Equal("*2\r\n$1\r\nd\r\n*2\r\n$1\r\nc\r\n$1\r\na\r\n", kv.Run("LMPOP", "2", "missing", "d", "LEFT", "COUNT", "10"));
        Assert.Equal("*-1\r\n", kv.Run("LMPOP", "2", "missing", "other", "LEFT"));
        Assert.Equal(WrongType, kv.Run("LMPOP", "2", "missing", "s", "LEFT"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", kv.Run("LMPOP", "0", "l", "LEFT"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("LMPOP", "2", "l", "LEFT"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("LMPOP", "1", "l", "UP"));
        Assert.Equal("-ERR count should be greater than 0\r\n", kv.Run("LMPOP", "1", "l", "LEFT", "COUNT", "0"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("LMPOP", "1", "l", "LEFT", "COUNT", "2", "COUNT", "3"));
    }

    [Fact]
    public void WrongType_BothWays()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "s", "v");
        kv.Run("RPUSH", "l", "a");
        Assert.Equal(WrongType, kv.Run("LPUSH", "s", "x"));
        Assert.Equal(WrongType, kv.Run("LRANGE", "s", "0", "1"));
        Assert.Equal(WrongType, kv.Run("LLEN", "s"));
        Assert.Equal(WrongType, kv.Run("GET", "l"));
        Assert.Equal(WrongType, kv.Run("INCR", "l"));
        Assert.Equal(WrongType, kv.Run("HSET", "l", "f", "v"));
        Assert.Equal(WrongType, kv.Run("SETRANGE", "l", "0", "x"));
    }

    [Fact]
    public void TheType_IsKnownToTypeObjectCopyAndDump()
    {
        using var kv = new RespCommandRunner();
        kv.Run("RPUSH", "l", "a", "12", "b");
        Assert.Equal("+list\r\n", kv.Run("TYPE", "l"));
        // Redis 7.0 keeps every list as a quicklist, however small.
        Assert.Equal(Bulk("quicklist"), kv.Run("OBJECT", "ENCODING", "l"));
        Assert.Equal(":1\r\n", kv.Run("COPY", "l", "c"));
        kv.Run("RPUSH", "c", "more");
        Assert.Equal(":3\r\n", kv.Run("LLEN", "l"));
        string scan = kv.Run("SCAN", "0", "TYPE", "list", "COUNT", "100");
        Assert.StartsWith("*2\r\n$1\r\n0\r\n*2\r\n", scan, StringComparison.Ordinal);
        Assert.Contains("$1\r\nl\r\n", scan, StringComparison.Ordinal);
        Assert.Contains("$1\r\nc\r\n", scan, StringComparison.Ordinal);
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", kv.Run("SCAN", "0", "TYPE", "hash"));

        byte[] dump = kv.RunBytes("DUMP"u8.ToArray(), "l"u8.ToArray());
        int start = System.Array.IndexOf(dump, (byte)'\n') + 1;
        byte[] payload = dump[start..^2];
        Assert.Equal("+OK\r\n", System.Text.Encoding.UTF8.GetString(kv.RunBytes("RESTORE"u8.ToArray(), "r"u8.ToArray(), "0"u8.ToArray(), payload)));
        Assert.Equal(Array("a", "12", "b"), kv.Run("LRANGE", "r", "0", "-1"));
        Assert.True(long.Parse(kv.Run("MEMORY", "USAGE", "l")[1..^2], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void Sort_ByValueOrPattern_WithLimitGetAndStore()
    {
        using var kv = new RespCommandRunner();
        kv.Run("RPUSH", "nums", "3", "1", "2", "10");
        Assert.Equal(Array("1", "2", "3", "10"), kv.Run("SORT", "nums"));
        Assert.Equal(Array("10", "3", "2", "1"), kv.Run("SORT", "nums", "DESC"));
        Assert.Equal(Array("1", "10", "2", "3"), kv.Run("SORT", "nums", "ALPHA"));
        Assert.Equal(Array("2", "3"), kv.Run("SORT", "nums", "LIMIT", "1", "2"));
        Assert.Equal(Array("2", "1"), kv.Run("SORT", "nums", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", kv.Run("SORT", "nums", "LIMIT", "a", "b"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SORT", "nums", "foo"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SORT_RO", "nums", "STORE", "out"));

        kv.Run("MSET", "w_1", "30", "w_2", "10", "w_3", "20");
        kv.Run("HSET", "h_1", "f", "9");
        kv.Run("HSET", "h_2", "f", "7");
        kv.Run("RPUSH", "ids", "1", "2", "3");
        Assert.Equal(Array("2", "3", "1"), kv.Run("SORT", "ids", "BY", "w_*"));
        Assert.Equal(Array("2", "10", "3", "20", "1", "30"), kv.Run("SORT", "ids", "BY", "w_*", "GET", "#", "GET", "w_*"));
        Assert.Equal(Array("3", "2", "1"), kv.Run("SORT", "ids", "BY", "h_*->f"));
        Assert.Equal(Array(null, "7", "9"), kv.Run("SORT", "ids", "BY", "h_*->f", "GET", "h_*->f"));

        Assert.Equal(":4\r\n", kv.Run("SORT", "nums", "STORE", "out"));
        Assert.Equal(Array("1", "2", "3", "10"), kv.Run("LRANGE", "out", "0", "-1"));
        Assert.Equal(":0\r\n", kv.Run("SORT", "missing", "STORE", "out"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "out"));

        kv.Run("RPUSH", "bad", "1", "x");
        Assert.Equal("-ERR One or more scores can't be converted into double\r\n", kv.Run("SORT", "bad"));
        kv.Run("SET", "s", "v");
        Assert.Equal(WrongType, kv.Run("SORT", "s"));
    }

    [Fact]
    public void KeyspaceEvents_AreRedisOwn_InRedisOrder()
    {
        using var kv = new RespCommandRunner();
        using var subscriber = new RespCommandRunner(kv.Database);
        kv.Run("CONFIG", "SET", "notify-keyspace-events", "El");
        subscriber.Run("SUBSCRIBE", "__keyevent@0__:rpush", "__keyevent@0__:lpop", "__keyevent@0__:ltrim");
        kv.Run("RPUSH", "l", "a", "b");
        kv.Run("LMOVE", "l", "m", "LEFT", "RIGHT");
        kv.Run("LTRIM", "l", "0", "-1");
        static string Message(string channel, string key) =>
            $"*3\r\n$7\r\nmessage\r\n${channel.Length}\r\n{channel}\r\n${key.Length}\r\n{key}\r\n";
        // One event for a variadic push; LMOVE publishes its push before its pop, as Redis does.
        Assert.Equal(Message("__keyevent@0__:rpush", "l") + Message("__keyevent@0__:rpush", "m") + Message("__keyevent@0__:lpop", "l")
            + Message("__keyevent@0__:ltrim", "l") + "*2\r\n$4\r\npong\r\n$0\r\n\r\n", subscriber.Run("PING"));
    }
}
