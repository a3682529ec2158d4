using System.Text;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// RESP3 after HELLO 3 and CLIENT REPLY, byte for byte as redis-server 7.0.15 answers (each reply below was read
/// from it): the null, maps, pairs, verbatim text, pushes, and the subscriber that may run any command.
/// </summary>
public class Resp3Tests
{
    private static string Pushed(RespCommandRunner client) => Encoding.UTF8.GetString(client.Send([]));

    private static string Hello(int proto, long id) =>
        (proto == 3 ? "%7\r\n" : "*14\r\n") + Bulk("server") + Bulk("redis") + Bulk("version") + Bulk("7.0.15")
        + Bulk("proto") + $":{proto}\r\n" + Bulk("id") + $":{id}\r\n" + Bulk("mode") + Bulk("standalone")
        + Bulk("role") + Bulk("master") + Bulk("modules") + "*0\r\n";

    [Fact]
    public void Hello3_AnswersWithAMap_AndHello2GoesBack()
    {
        using var kv = new RespCommandRunner();
        long id = long.Parse(kv.Run("CLIENT", "ID")[1..^2]);
        Assert.Equal(Hello(3, id), kv.Run("HELLO", "3"));
        Assert.Equal("_\r\n", kv.Run("GET", "missing"));
        Assert.Equal(Hello(3, id), kv.Run("HELLO"));
        Assert.Equal(Hello(2, id), kv.Run("HELLO", "2"));
        Assert.Equal("$-1\r\n", kv.Run("GET", "missing"));
        Assert.Equal("-NOPROTO unsupported protocol version\r\n", kv.Run("HELLO", "4"));
    }

    [Fact]
    public void Resp3_HasItsOwnNullMapAndPairs()
    {
        using var kv = new RespCommandRunner();
        kv.Run("HELLO", "3");
        kv.Run("SET", "k", "v");
        kv.Run("HSET", "h", "a", "1");
        Assert.Equal("*2\r\n$1\r\nv\r\n_\r\n", kv.Run("MGET", "k", "missing"));
        Assert.Equal("%1\r\n$1\r\na\r\n$1\r\n1\r\n", kv.Run("HGETALL", "h"));
        Assert.Equal("%0\r\n", kv.Run("HGETALL", "nokey"));
        Assert.Equal("*1\r\n$1\r\na\r\n", kv.Run("HKEYS", "h"));
        Assert.Equal("*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", kv.Run("HRANDFIELD", "h", "1", "WITHVALUES"));
        Assert.Equal("*1\r\n$1\r\na\r\n", kv.Run("HRANDFIELD", "h", "1"));
        Assert.Equal("%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n", kv.Run("CONFIG", "GET", "maxmemory"));
        Assert.Equal("$3\r\n1.5\r\n", kv.Run("INCRBYFLOAT", "f", "1.5"));
        Assert.StartsWith("=", kv.Run("INFO", "server"), StringComparison.Ordinal);
        Assert.Contains("\r\ntxt:# Server\r\n", kv.Run("INFO", "server"), StringComparison.Ordinal);
        string info = kv.Run("CLIENT", "INFO");
        int length = int.Parse(info[1..info.IndexOf('\r', StringComparison.Ordinal)]);
        Assert.Equal(length, Encoding.UTF8.GetByteCount(info) - info.IndexOf('\n', StringComparison.Ordinal) - 3);
        Assert.StartsWith("txt:id=", info[(info.IndexOf('\n', StringComparison.Ordinal) + 1)..], StringComparison.Ordinal);

        kv.Run("WATCH", "k");
        using var other = new RespCommandRunner(kv.Database);
        other.Run("SET", "k", "changed");
        kv.Run("MULTI");
        kv.Run("GET", "k");
        Assert.Equal("_\r\n", kv.Run("EXEC"));
    }

    [Fact]
    public void Resp2_KeepsItsShapes()
    {
        using var kv = new RespCommandRunner();
        kv.Run("HSET", "h", "a", "1");
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\n1\r\n", kv.Run("HGETALL", "h"));
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\n1\r\n", kv.Run("HRANDFIELD", "h", "1", "WITHVALUES"));
        Assert.StartsWith("$", kv.Run("INFO", "server"), StringComparison.Ordinal);
    }

    [Fact]
    public void Resp3Subscriber_GetsPushes_AndMayRunAnyCommand()
    {
        using var subscriber = new RespCommandRunner();
        using var resp2 = new RespCommandRunner(subscriber.Database);
        using var publisher = new RespCommandRunner(subscriber.Database);
        subscriber.Run("HELLO", "3");
        Assert.Equal(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", subscriber.Run("SUBSCRIBE", "ch"));
        Assert.Equal(">3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:2\r\n", subscriber.Run("PSUBSCRIBE", "c*"));
        resp2.Run("SUBSCRIBE", "ch");
        Assert.Equal(":3\r\n", publisher.Run("PUBLISH", "ch", "hi"));
        Assert.Equal(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n>4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n",
            Pushed(subscriber));
        // The same message, built once, is still RESP2's array for a RESP2 subscriber.
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", Pushed(resp2));
        Assert.Equal("+PONG\r\n", subscriber.Run("PING"));
        Assert.Equal("_\r\n", subscriber.Run("GET", "k"));
        Assert.StartsWith("-ERR Can't execute 'get'", resp2.Run("GET", "k"), StringComparison.Ordinal);
    }

    [Fact]
    public void ClientReply_OffAndSkip_DropRepliesButNotPushes()
    {
        using var kv = new RespCommandRunner();
        using var publisher = new RespCommandRunner(kv.Database);
        Assert.Equal("", kv.Run("CLIENT", "REPLY", "SKIP"));
        Assert.Equal("", kv.Run("SET", "x", "1"));
        Assert.Equal("$1\r\n1\r\n", kv.Run("GET", "x"));
        Assert.Equal("", kv.Run("CLIENT", "REPLY", "OFF"));
        Assert.Equal("", kv.Run("GET", "x"));
        Assert.Equal("", kv.Run("NOSUCHCOMMAND"));
        // A subscriber that silenced its replies still hears its confirmations and messages, as in Redis.
        Assert.Equal("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", kv.Run("SUBSCRIBE", "ch"));
        publisher.Run("PUBLISH", "ch", "m");
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n", Pushed(kv));
        Assert.Equal("", kv.Run("PING"));
        Assert.Equal("+RESET\r\n", kv.Run("RESET"));
        Assert.Equal("+PONG\r\n", kv.Run("PING"));
        kv.Run("CLIENT", "REPLY", "OFF");
        Assert.Equal("+OK\r\n", kv.Run("CLIENT", "REPLY", "ON"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("CLIENT", "REPLY", "MAYBE"));
    }

    [Fact]
    public void Reset_GoesBackToResp2()
    {
        using var kv = new RespCommandRunner();
        kv.Run("HELLO", "3");
        Assert.Equal("+RESET\r\n", kv.Run("RESET"));
        Assert.Equal("$-1\r\n", kv.Run("GET", "missing"));
    }
}
