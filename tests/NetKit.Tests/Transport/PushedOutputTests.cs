using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using NetKit.Connections;
using NetKit.Tests.KeyValue.Persistence;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>
/// The outbox contract (<see cref="ConnectionOutbox"/>): output a core's connection sends without input of
/// its own — posted from other threads, never making them wait — and a request held until a wake. Written
/// once, run against every model: the async one idles in a zero-byte receive, the threads one in a blocking
/// read, the epoll one in its loop.
/// </summary>
public abstract class PushedOutputTests
{
    protected abstract ConnectionModel Model { get; }

    private TcpServer Start(List<PushingProtocol> cores, TcpServerOptions? options = null, RecordingLogger? logger = null)
    {
        var server = new TcpServer("test", () =>
        {
            var core = new PushingProtocol();
            lock (cores)
            {
                cores.Add(core);
            }

            return core;
        }, (options ?? new TcpServerOptions()) with { Model = Model, EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, logger);
        server.Start();
        return server;
    }

    private static PushingProtocol Core(List<PushingProtocol> cores, int index)
    {
        lock (cores)
        {
            return cores[index];
        }
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task PostedWhileIdle_ReachesThePeer_WithoutAnyInput()
    {
        var cores = new List<PushingProtocol>();
        await using var server = Start(cores);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("listen\n");
        await client.ExpectAsync("listening\n");
        var core = Core(cores, 0);

        // From another thread, with the connection idle in its read.
        Assert.True(await Task.Run(() => core.Outbox.Post(Bytes("news 1\n"))));
        await client.ExpectAsync("news 1\n");
        Assert.True(await Task.Run(() => core.Outbox.Post(Bytes("news 2\n"))));
        await client.ExpectAsync("news 2\n");

        // Requests still work, and so do pushes after them.
        await client.SendAsync("ping\n");
        await client.ExpectAsync("ping\n");
        Assert.True(await Task.Run(() => core.Outbox.Post(Bytes("news 3\n"))));
        await client.ExpectAsync("news 3\n");
    }

    [Fact]
    public async Task PostedWhileHalfARequestIsBuffered_ReachesThePeer_BeforeTheRest()
    {
        var cores = new List<PushingProtocol>();
        await using var server = Start(cores);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("listen\n");
        await client.ExpectAsync("listening\n");
        var core = Core(cores, 0);

        // The core has seen the first half, so the connection waits for the rest with it buffered.
        int calls = core.Calls;
        await client.SendAsync("half");
        await TestServers.UntilAsync(() => core.Calls > calls, "the core running over the first half");
        Assert.True(await Task.Run(() => core.Outbox.Post(Bytes("news\n"))));
        await client.ExpectAsync("news\n");

        await client.SendAsync(" done\n");
        await client.ExpectAsync("half done\n");
    }

    [Fact]
    public async Task PostsFromManyThreads_WhileRequestsRun_ArriveWholeAndInOrderPerProducer()
    {
        const int producers = 4, posts = 500, requests = 200;
        var cores = new List<PushingProtocol>();
        await using var server = Start(cores);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("listen\n");
        await client.ExpectAsync("listening\n");
        var core = Core(cores, 0);

        var producing = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (int n = 0; n < posts; n++)
            {
                Assert.True(core.Outbox.Post(Bytes($"push {p} {n}\n")));
            }
        })).ToArray();
        var requesting = Task.Run(async () =>
        {
            for (int i = 0; i < requests; i++)
            {
                await client.SendAsync($"req {i}\n");
            }
        });

        // 2,200 lines, each a hand-off between threads: under a loaded machine (the whole suite on 2 cores) the
        // thread pool that runs producers, client and socket completions is slow to grow, so the bound is the
        // whole exchange's, generous. No wake can be lost (see each model's wait), so slow is all it can be.
        var exchange = TimeSpan.FromSeconds(60);
        var lines = await ReadLinesAsync(client, producers * posts + requests, exchange);
        await Task.WhenAll(producing).WithinAsync("the producers", exchange);
        await requesting.WithinAsync("the requests", exchange);

        var next = new int[producers];
        int nextRequest = 0;
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ');
            if (parts is ["push", var p, var n])
            {
                Assert.Equal(next[int.Parse(p)]++, int.Parse(n));
            }
            else
            {
                Assert.Equal($"req {nextRequest++}", line);
            }
        }

        Assert.All(next, count => Assert.Equal(posts, count));
        Assert.Equal(requests, nextRequest);
    }

    [Fact]
    public async Task HeldRequest_WaitsUnreadUntilWoken_ThenRunsWithWhatFollows()
    {
        var cores = new List<PushingProtocol>();
        await using var server = Start(cores);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("before\nhold\nafter\n");
        await client.ExpectAsync("before\n");
        var core = Core(cores, 0);
        await TestServers.UntilAsync(() => core.Holding, "the core holding its request");
        await client.SendAsync("more\n");

        // Held: no reply, and the bytes that came after are not read into the core.
        Assert.Equal(0, client.Socket.Available);
        core.Release();

        await client.ExpectAsync("released\nafter\nmore\n");
        Assert.Equal(0, core.CallsWhileHeld);
        await client.SendAsync("again\n");
        await client.ExpectAsync("again\n");
    }

    [Fact]
    public async Task HeldConnection_ClosesAtOnce_WhenTheServerStops()
    {
        var cores = new List<PushingProtocol>();
        var server = Start(cores, new TcpServerOptions { ShutdownGracePeriod = TimeSpan.FromSeconds(60) });
        await using var _ = server;
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("hold\n");
        await TestServers.UntilAsync(() => cores.Count == 1 && Core(cores, 0).Holding, "the core holding its request");

        // Nothing of the held request has run, so the stop need not wait for it (nor for the grace period).
        await server.StopAsync().WithinAsync("the stop", TimeSpan.FromSeconds(10));

        await client.ExpectClosedAsync(allowReset: true);
    }

    [Fact]
    public async Task SubscriberThatNeverReads_IsCutAtItsHardLimit_WhileTheProducerGoesOn()
    {
        var cores = new List<PushingProtocol>();
        var logger = new RecordingLogger();
        await using var server = Start(cores, new TcpServerOptions
        {
            OutputLimit = OutputBufferLimit.None,
            SubscriberOutputLimit = new OutputBufferLimit(256 * 1024, 0, TimeSpan.Zero),
        }, logger);
        using var reader = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        using var slow = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        slow.Socket.ReceiveBufferSize = 4096; // so the kernel holds little of what is never read
        await slow.SendAsync("subscriber\n");
        await slow.ExpectAsync("subscribed\n");
        var core = Core(cores, 1);

        // 16 KiB messages, at most 64 MiB in all: the kernel's buffers fill, then the outbox, then the cut.
        var message = new byte[16 * 1024];
        message.AsSpan().Fill((byte)'m');
        message[^1] = (byte)'\n';
        var clock = Stopwatch.StartNew();
        int accepted = 0;
        while (accepted < 4096 && core.Outbox.Post(message))
        {
            accepted++;
        }

        Assert.True(accepted < 4096, "the subscriber was never cut");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"posting took {clock.Elapsed}: the producer waited");
        Assert.False(core.Outbox.Post(message), "a cut connection still took a message");
        // Not read to its end: with so small a window the kernel lets the backlog out one delayed ACK at a time.
        await TestServers.UntilAsync(() => server.ActiveConnections == 1, "the cut subscriber's close");
        Assert.Contains(logger.Warnings, w => w.Contains("output buffer limit reached", StringComparison.Ordinal)
                                              && w.Contains("pubsub 262144 0 0", StringComparison.Ordinal));

        // The server and its other connections go on.
        await reader.SendAsync("still here\n");
        await reader.ExpectAsync("still here\n");
    }

    [Fact]
    public async Task QueuedOutputOverTheSoftLimit_ForLongerThanItsTime_IsCut()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var cores = new List<PushingProtocol>();
        var logger = new RecordingLogger();
        await using var server = Start(cores, new TcpServerOptions
        {
            TimeProvider = time,
            SubscriberOutputLimit = new OutputBufferLimit(0, 64 * 1024, TimeSpan.FromSeconds(10)),
        }, logger);
        using var slow = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        slow.Socket.ReceiveBufferSize = 4096;
        await slow.SendAsync("subscriber\n");
        await slow.ExpectAsync("subscribed\n");
        var core = Core(cores, 0);

        // 128 KiB more on every look, while the clock runs 11 s a look: once the socket's buffers are full the
        // backlog stays over the soft mark, and the next look after that is past its 10 s. Bounded by the looks.
        var message = new byte[16 * 1024];
        await TestServers.UntilAsync(() =>
        {
            for (int i = 0; i < 8; i++)
            {
                core.Outbox.Post(message);
            }

            time.Advance(TimeSpan.FromSeconds(11));
            return server.ActiveConnections == 0;
        }, "the cut for the soft limit");

        Assert.False(core.Outbox.Post(message));
        Assert.Contains(logger.Warnings, w => w.Contains("(client-output-buffer-limit pubsub 0 65536 10)", StringComparison.Ordinal)
                                              && w.Contains(" s (", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListeningConnection_IsNeverClosedAsIdle()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var cores = new List<PushingProtocol>();
        await using var server = Start(cores, new TcpServerOptions { TimeProvider = time, IdleTimeout = TimeSpan.FromSeconds(5) });
        using var listener = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await listener.SendAsync("listen\n");
        await listener.ExpectAsync("listening\n");
        using var idle = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await idle.SendAsync("hello\n");
        await idle.ExpectAsync("hello\n");

        // Advanced on every look: the loop may touch the idle connection's clock just after its reply left.
        await TestServers.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(6));
            return server.ActiveConnections == 1;
        }, "the idle connection's close");

        await idle.ExpectClosedAsync(allowReset: true);
        Assert.True(Core(cores, 0).Outbox.Post(Bytes("still listening\n")));
        await listener.ExpectAsync("still listening\n");
    }

    private static async Task<List<string>> ReadLinesAsync(LoopbackClient client, int count, TimeSpan timeout)
    {
        var lines = new List<string>(count);
        var pending = new StringBuilder();
        var buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(timeout);
        while (lines.Count < count)
        {
            int n = await client.Socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            Assert.True(n > 0, $"the server closed after {lines.Count} of {count} lines");
            pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
            string text = pending.ToString();
            int end;
            while ((end = text.IndexOf('\n')) >= 0)
            {
                lines.Add(text[..end]);
                text = text[(end + 1)..];
            }

            pending.Clear().Append(text);
        }

        return lines;
    }
}
