using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.Connections;
using NetKit.Protocols;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>
/// The connection loop's rules that no service shows by itself — replies withheld when their durability
/// wait fails, a core that stops at its output budget, the output-buffer limit, the minimum data rate, the
/// refusal of a connection past the limit — written once and run against every model.
/// </summary>
public abstract class ConnectionLimitTests
{
    protected abstract ConnectionModel Model { get; }

    private TcpServer Start(Func<IConnectionProtocol> core, TcpServerOptions? options = null)
    {
        var server = new TcpServer("test", core, (options ?? new TcpServerOptions()) with
        {
            Model = Model,
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        });
        server.Start();
        return server;
    }

    [Fact]
    public async Task FailedDurabilityWait_DiscardsTheReplies_AndClosesTheConnection()
    {
        await using var server = Start(() => new ScriptedProtocol { GateFailure = new IOException("the log could not be written") });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("SET k v\n");

        // Not one byte of the withheld reply may reach the client: it would be an acknowledgement of a
        // write that is not in the log.
        await client.ExpectClosedAsync(allowReset: true);
    }

    [Fact]
    public async Task CoreAtItsOutputBudget_IsCalledAgainForTheRest_WithoutNewInput()
    {
        var cores = new List<ScriptedProtocol>();
        await using var server = Start(() =>
        {
            var core = new ScriptedProtocol { OneRequestPerCall = true };
            lock (cores)
            {
                cores.Add(core);
            }

            return core;
        });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        string requests = string.Concat(Enumerable.Range(0, 50).Select(i => $"r{i}\n"));

        await client.SendAsync(requests);

        // Every request is answered although no byte arrives after the one write.
        await client.ExpectAsync(requests);
        Assert.True(cores[0].Calls >= 50, $"expected a call per request, saw {cores[0].Calls}");
    }

    [Fact]
    public async Task RequestTheCoreWillNotRunHere_IsRunAgainWhereBlockingIsAllowed()
    {
        var cores = new List<ScriptedProtocol>();
        await using var server = Start(() =>
        {
            var core = new ScriptedProtocol { OffloadBlockingLines = true };
            lock (cores)
            {
                cores.Add(core);
            }

            return core;
        });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("before\nblock 1\nafter\n");

        await client.ExpectAsync("before\nblock 1\nafter\n");
        Assert.Equal([true], cores[0].BlockingLinesRanWhereAllowed);
    }

    [Fact]
    public async Task PeerThatDoesNotRead_IsClosedOnceItsUnsentOutputOutlastsTheSoftLimit()
    {
        byte[] big = new byte[256 * 1024];
        await using var server = Start(
            () => new ScriptedProtocol { ReplyFor = _ => big },
            new TcpServerOptions { OutputLimit = new OutputBufferLimit(0, 64 * 1024, TimeSpan.FromSeconds(1)) });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        client.Socket.ReceiveBufferSize = 4096;

        // Far more replies than the socket buffers hold; the client never reads them.
        await client.SendAsync(string.Concat(Enumerable.Repeat("x\n", 200)));

        await TestServers.UntilAsync(() => server.ActiveConnections == 0, "closing the non-reading connection");
    }

    [Fact]
    public async Task ReplyOverTheHardLimit_IsNotSent_AndTheConnectionCloses()
    {
        byte[] big = new byte[200 * 1024];
        await using var server = Start(
            () => new ScriptedProtocol { ReplyFor = line => line.Length == 0 ? big : [.. line, (byte)'\n'] },
            new TcpServerOptions { OutputLimit = new OutputBufferLimit(100 * 1024, 0, TimeSpan.Zero) });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("small\n");
        await client.ExpectAsync("small\n");
        await client.SendAsync("\n");

        await client.ExpectClosedAsync(allowReset: true);
    }

    [Fact]
    public async Task RequestTrickledBelowTheMinimumRate_IsCut_WhileAFastOneIsServed()
    {
        await using var server = Start(() => new ScriptedProtocol(), new TcpServerOptions
        {
            MinRequestDataRate = 240,
            MinRequestDataRateGracePeriod = TimeSpan.FromMilliseconds(500),
        });
        using var slow = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        using var fast = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await slow.SendAsync("a partial request that never ends");
        var slowClosed = slow.ExpectClosedAsync(allowReset: true);
        for (int i = 0; i < 5 && !slowClosed.IsCompleted; i++)
        {
            await fast.SendAsync($"fast {i}\n");
            await fast.ExpectAsync($"fast {i}\n");
        }

        await slowClosed;
        await fast.SendAsync("still served\n");
        await fast.ExpectAsync("still served\n");
    }

    [Fact]
    public async Task IdleConnectionBetweenRequests_IsNotCutByTheMinimumRate()
    {
        await using var server = Start(() => new ScriptedProtocol(), new TcpServerOptions
        {
            MinRequestDataRate = 1_000_000,
            MinRequestDataRateGracePeriod = TimeSpan.FromMilliseconds(50),
        });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("one\n");
        await client.ExpectAsync("one\n");

        // Between requests nothing is in progress: the rate only applies to a request received in part.
        Assert.True(await client.StaysSilentAsync(TimeSpan.FromMilliseconds(1500)), "the idle connection was closed");
        await client.SendAsync("two\n");
        await client.ExpectAsync("two\n");
    }

    [Fact]
    public async Task ConnectionPastTheLimit_GetsTheRefusalMessage_ThenEndOfStream()
    {
        await using var server = Start(() => new ScriptedProtocol(), new TcpServerOptions
        {
            MaxConnections = 1,
            RefusalMessage = Encoding.ASCII.GetBytes("-ERR max number of clients reached\r\n"),
        });
        using var first = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await first.SendAsync("hello\n");
        await first.ExpectAsync("hello\n");

        using var second = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        byte[] refusal = await second.ReadToEndAsync();

        Assert.Equal("-ERR max number of clients reached\r\n", Encoding.ASCII.GetString(refusal));
        await first.SendAsync("still here\n");
        await first.ExpectAsync("still here\n");
    }
}
