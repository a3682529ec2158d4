using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;
using NetKit.Tests.KeyValue.Persistence;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>CONFIG SET of appendfsync and of the hash encoding limits while the server runs; replies are
/// redis-server 7.0.15's.</summary>
public class RuntimeConfigTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AppendfsyncChangesTheLogsPolicyAtRunTime()
    {
        using var dir = new TempDataDirectory();
        var database = new KeyValueDatabase();
        await using var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.EverySecond, database.Store);
        database.AttachLog(log);
        using var kv = new RespCommandRunner(database);

        Assert.Equal(Array("appendfsync", "everysec"), kv.Run("CONFIG", "GET", "appendfsync"));
        Assert.Equal("+OK\r\n", kv.Run("CONFIG", "SET", "appendfsync", "ALWAYS"));
        Assert.Equal(Array("appendfsync", "always"), kv.Run("CONFIG", "GET", "appendfsync"));
        Assert.Equal(FsyncPolicy.Always, log.Policy);
        Assert.Equal("always", log.InfoFields().Single(f => f.Key == "aof_fsync").Value);

        // Under always, a write is durable only once it has been fsynced.
        long fsyncs = log.FsyncCount;
        kv.Run("SET", "k", "v");
        await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.True(log.FsyncCount > fsyncs);

        Assert.Equal("+OK\r\n", kv.Run("CONFIG", "SET", "appendfsync", "no"));
        Assert.Equal(FsyncPolicy.No, log.Policy);
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no\r\n",
            kv.Run("CONFIG", "SET", "appendfsync", "sometimes"));
        Assert.Equal(FsyncPolicy.No, log.Policy);
    }

    [Fact]
    public void AppendfsyncIsKeptWithoutALog()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("+OK\r\n", kv.Run("CONFIG", "SET", "appendfsync", "no"));
        Assert.Equal(Array("appendfsync", "no"), kv.Run("CONFIG", "GET", "appendfsync"));
    }

    [Fact]
    public void HashListpackLimitsDecideTheEncoding()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal(Array("hash-max-ziplist-value", "64"), kv.Run("CONFIG", "GET", "hash-max-ziplist-value"));
        Assert.Equal("+OK\r\n", kv.Run("CONFIG", "SET", "hash-max-ziplist-entries", "2", "hash-max-listpack-value", "1kb"));
        Assert.Equal(Array("hash-max-listpack-entries", "2"), kv.Run("CONFIG", "GET", "hash-max-listpack-entries"));
        Assert.Equal(Array("hash-max-listpack-value", "1024"), kv.Run("CONFIG", "GET", "hash-max-listpack-value"));

        kv.Run("HSET", "small", "a", "1", "b", new string('x', 1000));
        Assert.Equal(Bulk("listpack"), kv.Run("OBJECT", "ENCODING", "small"));
        kv.Run("HSET", "big", "a", "1", "b", "2", "c", "3");
        Assert.Equal(Bulk("hashtable"), kv.Run("OBJECT", "ENCODING", "big"));

        Assert.Equal("+OK\r\n", kv.Run("CONFIG", "SET", "hash-max-listpack-value", "0"));
        kv.Run("HSET", "tiny", "a", "1");
        Assert.Equal(Bulk("hashtable"), kv.Run("OBJECT", "ENCODING", "tiny"));

        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-value') - argument must be a memory value\r\n",
            kv.Run("CONFIG", "SET", "hash-max-ziplist-value", "abc"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - argument couldn't be parsed into an integer\r\n",
            kv.Run("CONFIG", "SET", "hash-max-listpack-entries", "1.5"));
    }

    [Fact]
    public void FunctionFlushAndListWithNoLibraries()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("+OK\r\n", kv.Run("FUNCTION", "FLUSH"));
        Assert.Equal("+OK\r\n", kv.Run("FUNCTION", "FLUSH", "async"));
        Assert.Equal("-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n", kv.Run("FUNCTION", "FLUSH", "now"));
        Assert.Equal("*0\r\n", kv.Run("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "lib*"));
        Assert.Equal("-ERR library name argument was not given\r\n", kv.Run("FUNCTION", "LIST", "LIBRARYNAME"));
        Assert.Equal("-ERR Unknown argument foo\r\n", kv.Run("FUNCTION", "LIST", "foo"));
        Assert.Equal("-ERR unknown subcommand 'nope'. Try FUNCTION HELP.\r\n", kv.Run("FUNCTION", "nope"));
    }
}
