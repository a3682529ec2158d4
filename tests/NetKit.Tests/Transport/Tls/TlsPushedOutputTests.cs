using System.Net;
using System.Text;
using NetKit.KeyValue;
using NetKit.Transport;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.Transport.Tls;

/// <summary>
/// The outbox contract (see <see cref="PushedOutputTests"/>) in the TLS model, where the idle wait is a
/// zero-byte read through the SslStream: pushes reach a peer that sends nothing, beside its own requests,
/// and a held request waits unread until its wake.
/// </summary>
public sealed class TlsPushedOutputTests
{
    private static TcpServer Start(List<PushingProtocol> cores)
    {
        var server = new TcpServer("test", () =>
        {
            var core = new PushingProtocol();
            lock (cores)
            {
                cores.Add(core);
            }

            return core;
        }, new TcpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Tls = TestCertificates.Instance.ServerOptions() });
        server.Start();
        return server;
    }

    private static PushingProtocol Core(List<PushingProtocol> cores)
    {
        lock (cores)
        {
            return cores[0];
        }
    }

    [Fact]
    public async Task PostedWhileIdle_ReachesTheTlsPeer_BesideItsRequests()
    {
        var cores = new List<PushingProtocol>();
        await using var server = Start(cores);
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("listen\n");
        await client.ExpectAsync("listening\n");
        var core = Core(cores);

        for (int i = 0; i < 3; i++)
        {
            Assert.True(await Task.Run(() => core.Outbox.Post(Encoding.UTF8.GetBytes($"news {i}\n"))));
            await client.ExpectAsync($"news {i}\n");
        }

        await client.SendAsync("ping\n");
        await client.ExpectAsync("ping\n");
        Assert.True(await Task.Run(() => core.Outbox.Post(Encoding.UTF8.GetBytes("after\n"))));
        await client.ExpectAsync("after\n");
    }

    [Fact]
    public async Task PostedWhileHalfARequestIsBuffered_ReachesTheTlsPeer_BeforeTheRest()
    {
        var cores = new List<PushingProtocol>();
        await using var server = Start(cores);
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("listen\n");
        await client.ExpectAsync("listening\n");
        var core = Core(cores);

        // The core has seen the first half, so the connection waits for the rest with it buffered.
        int calls = core.Calls;
        await client.SendAsync("half");
        await TestServers.UntilAsync(() => core.Calls > calls, "the core running over the first half");
        Assert.True(await Task.Run(() => core.Outbox.Post(Encoding.UTF8.GetBytes("news\n"))));
        await client.ExpectAsync("news\n");

        await client.SendAsync(" done\n");
        await client.ExpectAsync("half done\n");
    }

    [Fact]
    public async Task HeldRequest_RunsOnceWoken_WithWhatFollowed()
    {
        var cores = new List<PushingProtocol>();
        await using var server = Start(cores);
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("hold\nafter\n");
        await TestServers.UntilAsync(() => cores.Count == 1 && Core(cores).Holding, "the core holding its request");
        Core(cores).Release();

        await client.ExpectAsync("released\nafter\n");
        Assert.Equal(0, Core(cores).CallsWhileHeld);
    }

    [Fact]
    public async Task KvSubscriber_OverTls_GetsWhatAPlainClientPublishes()
    {
        await using var server = await KeyValueServer.StartAsync(new KeyValueServerOptions
        {
            Port = 0,
            Tls = TestCertificates.Instance.ServerOptions(),
            TlsPort = 0,
        });
        await using var subscriber = await TlsTestClient.ConnectAsync(server.TlsEndPoint!);
        using var publisher = await LoopbackClient.ConnectAsync(server.EndPoint);

        await subscriber.SendAsync(Encode("SUBSCRIBE", "news"));
        await subscriber.ExpectAsync("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
        await publisher.SendAsync(Encode("PUBLISH", "news", "over tls"));
        await publisher.ExpectAsync(":1\r\n");

        await subscriber.ExpectAsync("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$8\r\nover tls\r\n");
    }
}
