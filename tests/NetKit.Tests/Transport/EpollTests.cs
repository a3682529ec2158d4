using System.Net;
using System.Net.Sockets;
using NetKit.Hosting;
using NetKit.Protocols.Echo;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>What only the epoll model promises: many connections on a few loops, spread evenly, and an echo
/// path that allocates nothing per request.</summary>
public sealed class EpollTests
{
    private static TcpServer StartEcho(int eventLoops = 0)
    {
        var server = new TcpServer("echo", () => new EchoProtocol(), new TcpServerOptions
        {
            Model = ConnectionModel.Epoll,
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            EventLoops = eventLoops,
        });
        server.Start();
        return server;
    }

    [Fact]
    public async Task TwoThousandConnections_AreAllServed_HeldIdle_AndReleased()
    {
        const int count = 2000;
        await using var server = StartEcho();
        var clients = new List<LoopbackClient>(count);
        try
        {
            // In batches: the accept backlog is 1,024.
            for (int start = 0; start < count; start += 250)
            {
                clients.AddRange(await Task.WhenAll(Enumerable.Range(0, 250)
                    .Select(_ => LoopbackClient.ConnectAsync(server.LocalEndPoint))));
            }

            await Task.WhenAll(clients.Select(async (client, i) =>
            {
                await client.SendAsync($"{i}\n");
                await client.ExpectAsync($"{i}\n");
            })).WithinAsync("a round trip on each of 2,000 connections", TimeSpan.FromSeconds(30));
            Assert.Equal(count, server.ActiveConnections);

            // Idle, they are still served: a second round trip on a few of them.
            foreach (var client in clients.Where((_, i) => i % 400 == 0))
            {
                await client.SendAsync("again");
                await client.ExpectAsync("again");
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        await TestServers.UntilAsync(() => server.ActiveConnections == 0, "closing 2,000 connections");
        Assert.All(server.EventLoops!.Loops, loop => Assert.Equal(0, loop.ConnectionCount));
    }

    [Fact]
    public async Task Connections_AreSpreadRoundRobinOverTheLoops()
    {
        await using var server = StartEcho(eventLoops: 2);
        var clients = new List<LoopbackClient>();
        try
        {
            for (int i = 0; i < 10; i++)
            {
                var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
                clients.Add(client);
                await client.SendAsync("x");
                await client.ExpectAsync("x");
            }

            Assert.Equal([5, 5], server.EventLoops!.Loops.Select(l => l.ConnectionCount));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task EchoRoundTrips_AllocateNothingOnTheLoop()
    {
        await using var server = StartEcho(eventLoops: 1);
        var loop = server.EventLoops!.Loops[0];
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveTimeout = (int)LoopbackClient.Timeout.TotalMilliseconds,
        };
        await client.ConnectAsync(server.LocalEndPoint);
        byte[] message = new byte[64];
        byte[] reply = new byte[64];

        void RoundTrips(int n)
        {
            for (int i = 0; i < n; i++)
            {
                client.Send(message);
                for (int got = 0; got < reply.Length;)
                {
                    int r = client.Receive(reply, got, reply.Length - got, SocketFlags.None);
                    Assert.True(r > 0, "the server closed");
                    got += r;
                }
            }
        }

        await Task.Run(() => RoundTrips(2000)); // warm-up: pools, tiered compilation
        long before = loop.AllocatedBytes;
        const int measured = 20_000;
        await Task.Run(() => RoundTrips(measured));
        long allocated = loop.AllocatedBytes - before;

        Assert.True(allocated < measured, $"the loop allocated {allocated} bytes over {measured} round trips");
    }
}
