using NetKit.KeyValue;
using NetKit.Tests.Transport;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>CONFIG SET, SLOWLOG, LATENCY, WAIT, CLIENT KILL and SHUTDOWN; errors are redis-server 7.0.15's.</summary>
public class OperationsCommandTests
{
    [Fact]
    public void ConfigSetChangesWhatConfigGetAndTheServerUse()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("+OK\r\n", kv.Run("CONFIG", "SET", "maxmemory", "10mb", "slowlog-max-len", "5"));
        Assert.Equal(Array("maxmemory", "10485760"), kv.Run("CONFIG", "GET", "maxmemory"));
        Assert.Equal(10485760, kv.Database.Settings.MaxMemory);
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter\r\n",
            kv.Run("CONFIG", "SET", "maxmemory", "1", "maxmemory", "2"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n",
            kv.Run("CONFIG", "SET", "maxmemory", "abc"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive\r\n",
            kv.Run("CONFIG", "SET", "timeout", "-1"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n",
            kv.Run("CONFIG", "SET", "databases", "3"));
        Assert.Equal("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n", kv.Run("CONFIG", "SET", "foo", "1"));
        Assert.Equal("-ERR wrong number of arguments for 'config|set' command\r\n", kv.Run("CONFIG", "SET", "maxmemory"));

        // A failing pair changes nothing, the valid ones before it included.
        kv.Run("CONFIG", "SET", "maxmemory", "0", "timeout", "abc");
        Assert.Equal(10485760, kv.Database.Settings.MaxMemory);
    }

    [Fact]
    public void ConfigSetRequirepassAndAnLfuPolicy()
    {
        using var database = new KeyValueDatabase();
        using var admin = new RespCommandRunner(database);
        Assert.Equal("+OK\r\n", admin.Run("CONFIG", "SET", "requirepass", "s3cret", "maxmemory-policy", "allkeys-lfu"));
        using var other = new RespCommandRunner(database);
        Assert.Equal("-NOAUTH Authentication required.\r\n", other.Run("GET", "k"));
        Assert.Equal("+OK\r\n", other.Run("AUTH", "s3cret"));
        other.Run("SET", "k", "value");
        Assert.Equal(":5\r\n", other.Run("OBJECT", "FREQ", "k"));
        Assert.Equal(Array("maxmemory-policy", "allkeys-lfu"), other.Run("CONFIG", "GET", "maxmemory-policy"));
    }

    [Fact]
    public void SlowLogLatencyAndWait()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("+OK\r\n", kv.Run("CONFIG", "SET", "slowlog-log-slower-than", "0"));
        kv.Run("SET", "k", "v");
        Assert.Equal(":2\r\n", kv.Run("SLOWLOG", "LEN"));
        // The newest entry is the SLOWLOG LEN just run, its arguments as sent.
        Assert.Matches(@"^\*1\r\n\*6\r\n:2\r\n:\d+\r\n:\d+\r\n\*2\r\n\$7\r\nSLOWLOG\r\n\$3\r\nLEN\r\n", kv.Run("SLOWLOG", "GET", "1"));
        Assert.Equal("+OK\r\n", kv.Run("SLOWLOG", "RESET"));
        kv.Run("CONFIG", "SET", "slowlog-log-slower-than", "-1");
        kv.Run("SET", "k", "v");
        // Only the SLOWLOG RESET, logged after it ran while the threshold was still 0.
        Assert.Equal(":1\r\n", kv.Run("SLOWLOG", "LEN"));
        Assert.Equal("*0\r\n", kv.Run("LATENCY", "LATEST"));
        Assert.Equal(":0\r\n", kv.Run("WAIT", "0", "0"));
        Assert.Equal("-ERR timeout is negative\r\n", kv.Run("WAIT", "0", "-1"));
    }

    [Fact]
    public async Task ClientKillCutsTheOtherConnection()
    {
        await using var server = KvTestServer.Start();
        using var victim = await LoopbackClient.ConnectAsync(System.Net.IPEndPoint.Parse(server.Address));
        await victim.SendAsync("*1\r\n$9\r\nclient id\r\n".Replace("$9\r\nclient id", "$6\r\nCLIENT\r\n$2\r\nID", StringComparison.Ordinal).Replace("*1", "*2", StringComparison.Ordinal));
        string reply = System.Text.Encoding.ASCII.GetString(await victim.ReadExactlyAsync(4));
        using var admin = await LoopbackClient.ConnectAsync(System.Net.IPEndPoint.Parse(server.Address));
        await admin.SendAsync(Encode("CLIENT", "KILL", "ID", reply[1..2]));
        await admin.ExpectAsync(":1\r\n");
        await victim.ExpectClosedAsync(allowReset: true);
        await admin.SendAsync(Encode("CLIENT", "KILL", "ID", reply[1..2]));
        await admin.ExpectAsync(":0\r\n");
    }

    [Fact]
    public async Task ShutdownStopsTheServer()
    {
        var server = await KeyValueServer.StartAsync(new KeyValueServerOptions { Port = 0 });
        await using (server)
        {
            using var client = await LoopbackClient.ConnectAsync(server.EndPoint);
            await client.SendAsync(Encode("SHUTDOWN", "NOSAVE"));
            await client.ExpectClosedAsync(allowReset: true);
            await server.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
