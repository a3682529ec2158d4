using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
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
    public async Task RepliesWaitingOnTheirGate_LeaveOnceItOpens_AndTheCoreWaitsMeanwhile()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cores = new List<ScriptedProtocol>();
        await using var server = Start(() =>
        {
            var core = new ScriptedProtocol { DelayedGate = () => gate.Task };
            lock (cores)
            {
                cores.Add(core);
            }

            return core;
        });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("a\n");
        await TestServers.UntilAsync(() => cores.Count == 1 && cores[0].Calls == 1, "the core's first call");
        await client.SendAsync("b\n");

        // Held, as kv holds an acknowledgement until its write is synced; the request behind it waits too.
        Assert.Equal(0, client.Socket.Available);
        gate.SetResult();

        await client.ExpectAsync("a\nb\n");
        Assert.Equal(0, cores[0].CallsWhileGated);
        await client.SendAsync("c\n");
        await client.ExpectAsync("c\n");
    }

    [Fact]
    public async Task PeerThatDoesNotRead_GetsBackPressure_TheCoreWaitsUntilItReads()
    {
        byte[] big = new byte[256 * 1024];
        int readingStarted = 0;
        bool ranBeforeReading = false;
        var cores = new List<ScriptedProtocol>();
        await using var server = Start(() =>
        {
            var core = new ScriptedProtocol
            {
                ReplyFor = line =>
                {
                    if (line is [(byte)'x'])
                    {
                        return big;
                    }

                    ranBeforeReading |= Volatile.Read(ref readingStarted) == 0;
                    return [.. line, (byte)'\n'];
                },
            };
            lock (cores)
            {
                cores.Add(core);
            }

            return core;
        });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        client.Socket.ReceiveBufferSize = 64 * 1024; // fixed, so the kernel cannot grow it to hold everything
        const int replies = 40; // 10 MiB: far more than the socket buffers of both ends hold

        await client.SendAsync(string.Concat(Enumerable.Repeat("x\n", replies)));
        await TestServers.UntilAsync(() => cores.Count == 1 && cores[0].Calls >= 1, "the core's first call");
        int calls = cores[0].Calls;
        await client.SendAsync("after\n");

        // The server has the request, and must not run it while its replies are unread.
        Assert.Equal(calls, cores[0].Calls);
        Volatile.Write(ref readingStarted, 1);
        byte[] received = await client.ReadExactlyAsync(replies * big.Length);
        Assert.Equal(replies * big.Length, received.Length);
        await client.ExpectAsync("after\n");
        Assert.False(ranBeforeReading, "the core ran a request while its connection's replies were unread");
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
    public async Task CoreThatThrows_EndsItsConnectionOnly()
    {
        await using var server = Start(() => new ScriptedProtocol { ThrowOnBoom = true });
        using var other = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        using var buggy = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await other.SendAsync("before\n");
        await other.ExpectAsync("before\n");

        await buggy.SendAsync("boom\n");

        await buggy.ExpectClosedAsync(allowReset: true);
        await other.SendAsync("after\n");
        await other.ExpectAsync("after\n");
        using var fresh = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await fresh.SendAsync("new\n");
        await fresh.ExpectAsync("new\n");
    }

    [Fact]
    public async Task RequestThatNeverCompletes_IsClosedAtTheInputLimit()
    {
        await using var server = Start(() => new ScriptedProtocol { NeverConsumes = true },
            new TcpServerOptions { MaxBufferedInput = 64 * 1024 });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        // Far past the limit, in one write the server can only buffer up to its limit of.
        var sending = client.SendAsync(new byte[1024 * 1024]);

        await client.ExpectClosedAsync(allowReset: true);
        await Task.WhenAny(sending);
        await TestServers.UntilAsync(() => server.ActiveConnections == 0, "releasing the connection");
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
        var clock = new FakeTimeProvider();
        await using var server = Start(
            () => new ScriptedProtocol { ReplyFor = _ => big },
            new TcpServerOptions { OutputLimit = new OutputBufferLimit(0, 64 * 1024, TimeSpan.FromSeconds(60)), TimeProvider = clock });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        client.Socket.ReceiveBufferSize = 4096;

        // Far more replies than the socket buffers hold; the client never reads them.
        await client.SendAsync(string.Concat(Enumerable.Repeat("x\n", 200)));

        // Until the server's send is stuck, advancing the clock cuts nothing; once it is, one minute does.
        await TestServers.UntilAsync(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(61));
            return server.ActiveConnections == 0;
        }, "closing the non-reading connection");
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
        var clock = new FakeTimeProvider();
        var cores = new List<ScriptedProtocol>();
        await using var server = Start(() =>
        {
            var core = new ScriptedProtocol();
            lock (cores)
            {
                cores.Add(core);
            }

            return core;
        }, new TcpServerOptions
        {
            MinRequestDataRate = 240,
            MinRequestDataRateGracePeriod = TimeSpan.FromSeconds(5),
            TimeProvider = clock,
        });
        using var slow = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        using var fast = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await slow.SendAsync("x");

        // The partial request must have reached its core before the clock moves.
        await TestServers.UntilAsync(() =>
        {
            lock (cores)
            {
                return cores.Any(c => c.Unconsumed == 1);
            }
        }, "the partial request reaching the server");

        for (int i = 0; i < 6; i++)
        {
            await fast.SendAsync($"fast {i}\n");
            await fast.ExpectAsync($"fast {i}\n");
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        // 1 byte in 6 s, far below 240 B/s once the 5 s grace is over: cut inside the last Advance.
        await slow.ExpectClosedAsync(allowReset: true);
        await fast.SendAsync("still served\n");
        await fast.ExpectAsync("still served\n");
    }

    [Fact]
    public async Task IdleConnectionBetweenRequests_IsNotCutByTheMinimumRate()
    {
        var clock = new FakeTimeProvider();
        await using var server = Start(() => new ScriptedProtocol(), new TcpServerOptions
        {
            MinRequestDataRate = 1_000_000,
            MinRequestDataRateGracePeriod = TimeSpan.FromMilliseconds(50),
            TimeProvider = clock,
        });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("one\n");
        await client.ExpectAsync("one\n");
        clock.Advance(TimeSpan.FromSeconds(10));

        // Between requests nothing is in progress: the rate only applies to a request received in part.
        // Had the sweep cut the connection, it would have happened inside Advance.
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
