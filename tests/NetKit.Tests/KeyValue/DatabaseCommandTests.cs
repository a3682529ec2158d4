using NetKit.KeyValue;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

public class DatabaseCommandTests
{
    private const string Ok = "+OK\r\n";

    [Fact]
    public void EachDatabaseHasItsOwnKeysSizeAndFlush()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "k", "zero");
        Assert.Equal(Ok, kv.Run("SELECT", "9"));
        Assert.Equal("$-1\r\n", kv.Run("GET", "k"));
        kv.Run("SET", "k", "nine");
        kv.Run("SET", "other", "x");
        Assert.Equal(":2\r\n", kv.Run("DBSIZE"));
        Assert.Equal(Ok, kv.Run("FLUSHDB"));
        Assert.Equal(":0\r\n", kv.Run("DBSIZE"));
        kv.Run("SELECT", "0");
        Assert.Equal(Bulk("zero"), kv.Run("GET", "k"));
        kv.Run("SELECT", "3");
        kv.Run("SET", "k", "three");
        Assert.Equal(Ok, kv.Run("FLUSHALL"));
        kv.Run("SELECT", "0");
        Assert.Equal(":0\r\n", kv.Run("DBSIZE"));
    }

    [Fact]
    public void MoveCopyAndSwapDbKeepValuesTypesAndExpiries()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "s", "v", "EX", "100");
        kv.Run("HSET", "h", "f", "1");
        Assert.Equal(":1\r\n", kv.Run("MOVE", "s", "1"));
        Assert.Equal(":0\r\n", kv.Run("MOVE", "s", "1"));
        Assert.Equal("-ERR source and destination objects are the same\r\n", kv.Run("MOVE", "h", "0"));
        Assert.Equal("-ERR DB index is out of range\r\n", kv.Run("MOVE", "h", "16"));
        Assert.Equal(":1\r\n", kv.Run("COPY", "h", "h2"));
        Assert.Equal(":0\r\n", kv.Run("COPY", "h", "h2"));
        kv.Run("HSET", "h", "f", "2");
        Assert.Equal(Bulk("1"), kv.Run("HGET", "h2", "f"));
        Assert.Equal(":1\r\n", kv.Run("COPY", "h", "h", "DB", "2"));
        Assert.Equal("-ERR source and destination objects are the same\r\n", kv.Run("COPY", "h", "h"));
        Assert.Equal(Ok, kv.Run("SWAPDB", "0", "1"));
        Assert.Equal(Bulk("v"), kv.Run("GET", "s"));
        Assert.True(long.Parse(kv.Run("TTL", "s")[1..^2]) > 90);
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "h"));
        kv.Run("SELECT", "2");
        Assert.Equal(Bulk("2"), kv.Run("HGET", "h", "f"));
        Assert.Equal("-ERR invalid first DB index\r\n", kv.Run("SWAPDB", "x", "1"));
        Assert.Equal("-ERR DB index is out of range\r\n", kv.Run("SWAPDB", "0", "16"));
    }

    [Fact]
    public void InfoKeyspaceAndClientListShowEveryDatabase()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "a", "1");
        kv.Run("SELECT", "5");
        kv.Run("SET", "b", "1", "EX", "100");
        kv.Run("SET", "c", "1");
        string info = kv.Run("INFO", "keyspace");
        Assert.Contains("db0:keys=1,expires=0,avg_ttl=0", info);
        Assert.Contains("db5:keys=2,expires=1,avg_ttl=0", info);
        Assert.DoesNotContain("db1:", info);
        Assert.Contains(" db=5 ", kv.Run("CLIENT", "LIST"));
    }

    [Fact]
    public void DatabasesOptionBoundsSelect()
    {
        using var kv = new RespCommandRunner(new KeyValueDatabase(new KeyValueOptions { Databases = 2 }));
        Assert.Equal(Ok, kv.Run("SELECT", "1"));
        Assert.Equal("-ERR DB index is out of range\r\n", kv.Run("SELECT", "2"));
    }

    [Fact]
    public void TypesAndEncodingsAreRedisOwn()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "n", "12345");
        kv.Run("SET", "short", "hello");
        kv.Run("SET", "long", new string('x', 45));
        kv.Run("HSET", "small", "f", "v");
        kv.Run("HSET", "wide", "f", new string('v', 65));
        Assert.Equal("+string\r\n", kv.Run("TYPE", "n"));
        Assert.Equal("+hash\r\n", kv.Run("TYPE", "small"));
        Assert.Equal("+none\r\n", kv.Run("TYPE", "missing"));
        var store = kv.Store;
        string Encoding(string key) => store.TryGetValue(System.Text.Encoding.UTF8.GetBytes(key), out object value) ? StoredValues.Encoding(value) : "none";
        Assert.Equal("int", Encoding("n"));
        Assert.Equal("embstr", Encoding("short"));
        Assert.Equal("raw", Encoding("long"));
        Assert.Equal("listpack", Encoding("small"));
        Assert.Equal("hashtable", Encoding("wide"));
        Assert.Equal("*2\r\n$1\r\n0\r\n*1\r\n$5\r\nsmall\r\n", kv.Run("SCAN", "0", "TYPE", "hash", "MATCH", "sm*"));
    }

    [Fact]
    public void MaxMemoryCountsHashesInEveryDatabase()
    {
        using var kv = new RespCommandRunner(new KeyValueDatabase(new KeyValueOptions { MaxMemory = 4096 }));
        kv.Run("SELECT", "3");
        Assert.Equal(":1\r\n", kv.Run("HSET", "h", "f", new string('v', 5000)));
        kv.Run("SELECT", "0");
        Assert.StartsWith("-OOM", kv.Run("SET", "k", "v"));
        kv.Run("SELECT", "3");
        Assert.Equal(":1\r\n", kv.Run("HDEL", "h", "f"));
        Assert.Equal(Ok, kv.Run("SET", "k", "v"));
    }
}
