using System.Net;
using NetKit.Tests.Transport;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>
/// CLIENT KILL's filters over loopback, as redis-server 7.0.15 applies them: TYPE pubsub takes the subscribed
/// clients and TYPE normal the others, the old <c>CLIENT KILL addr:port</c> form, ADDR, LADDR, USER, and SKIPME
/// (yes by default; no kills the caller too, after its reply). A killed connection is closed; the rest go on.
/// </summary>
public class ClientKillTests
{
    private static async Task<LoopbackClient> ConnectAsync(KvTestServer server) => await LoopbackClient.ConnectAsync(IPEndPoint.Parse(server.Address));

    private static async Task PingAsync(LoopbackClient client)
    {
        await client.SendAsync(Encode("PING"));
        await client.ExpectAsync("+PONG\r\n");
    }

    [Fact]
    public async Task TypePubsub_TakesSubscribers_TypeNormal_TheOthersButTheCaller()
    {
        await using var server = KvTestServer.Start();
        using var subscriber = await ConnectAsync(server);
        using var normal = await ConnectAsync(server);
        using var admin = await ConnectAsync(server);
        await subscriber.SendAsync(Encode("SUBSCRIBE", "news"));
        await subscriber.ExpectAsync("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
        await PingAsync(normal);

        await admin.SendAsync(Encode("CLIENT", "KILL", "TYPE", "pubsub"));
        await admin.ExpectAsync(":1\r\n");
        await subscriber.ExpectClosedAsync(allowReset: true);
        await PingAsync(normal);

        await admin.SendAsync(Encode("CLIENT", "KILL", "TYPE", "master"));
        await admin.ExpectAsync(":0\r\n");
        await admin.SendAsync(Encode("CLIENT", "KILL", "TYPE", "normal"));
        await admin.ExpectAsync(":1\r\n");
        await normal.ExpectClosedAsync(allowReset: true);
        await PingAsync(admin);
    }

    [Fact]
    public async Task OldForm_KillsByAddress_AndSaysWhenThereIsNone()
    {
        await using var server = KvTestServer.Start();
        using var victim = await ConnectAsync(server);
        using var admin = await ConnectAsync(server);
        await PingAsync(victim);
        string address = victim.Socket.LocalEndPoint!.ToString()!;

        await admin.SendAsync(Encode("CLIENT", "KILL", address));
        await admin.ExpectAsync("+OK\r\n");
        await victim.ExpectClosedAsync(allowReset: true);
        await admin.SendAsync(Encode("CLIENT", "KILL", address));
        await admin.ExpectAsync("-ERR No such client\r\n");
        await admin.SendAsync(Encode("CLIENT", "KILL", "ADDR", address));
        await admin.ExpectAsync(":0\r\n");
    }

    [Fact]
    public async Task LaddrAndUser_MatchEveryClient_SkipmeNoIncludesTheCaller()
    {
        await using var server = KvTestServer.Start();
        using var first = await ConnectAsync(server);
        using var second = await ConnectAsync(server);
        using var admin = await ConnectAsync(server);
        await PingAsync(first);
        await PingAsync(second);

        await admin.SendAsync(Encode("CLIENT", "KILL", "ADDR", first.Socket.LocalEndPoint!.ToString()!, "LADDR", server.Address));
        await admin.ExpectAsync(":1\r\n");
        await first.ExpectClosedAsync(allowReset: true);
        await PingAsync(second);

        await admin.SendAsync(Encode("CLIENT", "KILL", "USER", "nobody"));
        await admin.ExpectAsync("-ERR No such user 'nobody'\r\n");
        await admin.SendAsync(Encode("CLIENT", "KILL", "USER", "default", "SKIPME", "no"));
        await admin.ExpectAsync(":2\r\n");
        await admin.ExpectClosedAsync(allowReset: true);
        await second.ExpectClosedAsync(allowReset: true);
    }
}
