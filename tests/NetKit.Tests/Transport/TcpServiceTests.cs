using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using NetKit.Hosting;
using NetKit.KeyValue;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>
/// The TCP services over real loopback sockets, written once and run against every connection model by the
/// subclasses (<see cref="AsyncModelTests"/>, <see cref="ThreadsModelTests"/>), as Kestrel's functional
/// tests are run against every transport; and over IPv6 and Unix sockets by others (<see cref="Ipv6EpollModelTests"/>,
/// <see cref="UnixEpollModelTests"/>...), which give another <see cref="NewEndPoint"/>.
/// </summary>
public abstract class TcpServiceTests
{
    protected abstract ConnectionModel Model { get; }

    /// <summary>Where each server of a test listens: 127.0.0.1 on a free port unless a subclass says otherwise.</summary>
    protected virtual System.Net.EndPoint NewEndPoint() => new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0);

    /// <summary>What connecting to a stopped server's address fails with.</summary>
    protected virtual SocketError NothingListens => SocketError.ConnectionRefused;

    private INetworkServer Start(ServiceDefinition service, ServiceSettings? settings = null) =>
        TestServers.Start(service, (settings ?? new ServiceSettings()) with { Model = Model }, NewEndPoint());

    private INetworkServer StartKv(ServiceSettings? settings = null, KeyValueStore? store = null) =>
        TestServers.StartKeyValue((settings ?? new ServiceSettings()) with { Model = Model }, store, NewEndPoint());

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    // ---- echo ----

    [Fact]
    public async Task Echo_SendsTheBytesBackExactly()
    {
        await using var server = Start(NetKitServices.Echo);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        byte[] data = [.. "hello, world\r\n"u8, .. RandomBytes(4096, seed: 1), 0, 255, (byte)'\n'];

        await client.SendAsync(data);

        byte[] echoed = await client.ReadExactlyAsync(data.Length);
        TestServers.AssertSameBytes(data, echoed);
    }

    [Fact]
    public async Task Echo_OneMebibyteSentWhileReading_DoesNotDeadlock()
    {
        await using var server = Start(NetKitServices.Echo);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        byte[] data = RandomBytes(1024 * 1024, seed: 2);

        var sending = client.SendAsync(data);
        byte[] echoed = await client.ReadExactlyAsync(data.Length);
        await sending.WithinAsync("sending 1 MiB");

        TestServers.AssertSameBytes(data, echoed);
    }

    [Fact]
    public async Task Echo_ManyWritesSplitArbitrarily_ComeBackInOrder()
    {
        await using var server = Start(NetKitServices.Echo);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        var random = new Random(3);
        byte[] data = RandomBytes(256 * 1024, seed: 4);

        async Task SendInPiecesAsync()
        {
            for (int offset = 0; offset < data.Length;)
            {
                int length = Math.Min(random.Next(1, 3000), data.Length - offset);
                await client.SendAsync(data.AsMemory(offset, length));
                offset += length;
            }
        }

        var sending = SendInPiecesAsync();
        byte[] echoed = await client.ReadExactlyAsync(data.Length);
        await sending.WithinAsync("sending the pieces");

        TestServers.AssertSameBytes(data, echoed);
    }

    [Fact]
    public async Task Echo_AfterClientHalfClose_SendsTheRestAndCloses()
    {
        await using var server = Start(NetKitServices.Echo);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        byte[] data = RandomBytes(300 * 1024, seed: 5);

        async Task SendAndHalfCloseAsync()
        {
            await client.SendAsync(data);
            client.ShutdownSend();
        }

        var sending = SendAndHalfCloseAsync();
        byte[] echoed = await client.ReadToEndAsync();
        await sending.WithinAsync("sending");

        TestServers.AssertSameBytes(data, echoed);
    }

    // ---- lines ----

    [Fact]
    public async Task Lines_UpperCasesEachLine_AndDropsCarriageReturn()
    {
        await using var server = Start(NetKitServices.Lines);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("hello\nworld\r\n");

        await client.ExpectAsync("HELLO\nWORLD\n");
    }

    [Fact]
    public async Task Lines_LineSplitAcrossWrites_IsAnsweredOnce()
    {
        await using var server = Start(NetKitServices.Lines);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        // Back to back: TCP may or may not merge the two.
        await client.SendAsync("hel");
        await client.SendAsync("lo\n");
        await client.ExpectAsync("HELLO\n");

        // The reply to the first line proves the server has seen (and kept) the partial second line.
        await client.SendAsync("one\ntw");
        await client.ExpectAsync("ONE\n");
        await client.SendAsync("o\n");
        await client.ExpectAsync("TWO\n");
    }

    [Fact]
    public async Task Lines_Quit_SaysByeAndCloses()
    {
        await using var server = Start(NetKitServices.Lines);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("hi\nquit\n");

        await client.ExpectAsync("HI\nbye\n");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task Lines_FinalLineWithoutNewline_IsAnsweredAfterHalfClose()
    {
        await using var server = Start(NetKitServices.Lines);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("first\nlast words");
        client.ShutdownSend();

        Assert.Equal("FIRST\nLAST WORDS\n", Encoding.UTF8.GetString(await client.ReadToEndAsync()));
    }

    [Fact]
    public async Task Lines_LineOverTheLimit_GetsErrorAndClose()
    {
        await using var server = Start(NetKitServices.Lines);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        byte[] line = [.. Enumerable.Repeat((byte)'a', 70 * 1024), (byte)'\n'];

        async Task SendIgnoringResetAsync()
        {
            try
            {
                await client.SendAsync(line);
            }
            catch (SocketException)
            {
                // The server may close before it has read everything: that is the point.
            }
        }

        var sending = SendIgnoringResetAsync();
        // The server closes with unread input, so the close may arrive as a reset after the reply.
        byte[] reply = await client.ReadToEndAsync(allowReset: true);
        await sending.WithinAsync("sending the long line");

        Assert.Equal("ERR line too long\\n", LoopbackClient.Escape(reply));
    }

    [Fact]
    public async Task Lines_InvalidUtf8_GetsErrorAndTheConnectionGoesOn()
    {
        await using var server = Start(NetKitServices.Lines);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync(new byte[] { 0xFF, 0xFE, (byte)'x', 0xC3, (byte)'\n' });
        await client.SendAsync("still here\n");

        await client.ExpectAsync("ERR invalid UTF-8\nSTILL HERE\n");
    }

    // ---- count ----

    [Fact]
    public async Task Count_AfterHalfClose_RepliesWithTheTotal()
    {
        await using var server = Start(NetKitServices.Count);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        byte[] chunk = RandomBytes(7919, seed: 6);
        const int chunks = 40;

        for (int i = 0; i < chunks; i++)
        {
            await client.SendAsync(chunk);
        }

        client.ShutdownSend();

        Assert.Equal($"{chunks * chunk.Length}\n", Encoding.ASCII.GetString(await client.ReadToEndAsync()));
    }

    [Fact]
    public async Task Count_NothingSent_RepliesZero()
    {
        await using var server = Start(NetKitServices.Count);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        client.ShutdownSend();

        Assert.Equal("0\n", Encoding.ASCII.GetString(await client.ReadToEndAsync()));
    }

    [Fact]
    public async Task Count_Once_CompletesAfterTheFirstConnection()
    {
        await using var server = Start(NetKitServices.Count, new ServiceSettings { Once = true });
        using (var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint))
        {
            await client.SendAsync("abc");
            Assert.False(server.Completion.IsCompleted, "the server stopped before its one connection ended");
            client.ShutdownSend();
            Assert.Equal("3\n", Encoding.ASCII.GetString(await client.ReadToEndAsync()));
        }

        await server.Completion.WithinAsync("the server's completion after its one connection");
        var refused = await Assert.ThrowsAsync<SocketException>(() => LoopbackClient.ConnectAsync(server.LocalEndPoint));
        Assert.Equal(NothingListens, refused.SocketErrorCode);
    }

    // ---- kv ----

    [Fact]
    public async Task Kv_StoreIsSharedAcrossConnections()
    {
        await using var server = StartKv();
        using var writer = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        using var reader = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await writer.SendAsync("SET greeting hello  world \r\n");
        await writer.ExpectAsync("OK\n");
        await reader.SendAsync("GET greeting\nget missing\n");

        await reader.ExpectAsync("hello  world \n(nil)\n");
    }

    [Fact]
    public async Task Kv_UnknownCommand_GetsErrorAndTheConnectionGoesOn()
    {
        await using var server = StartKv();
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("FLY away\nSET\nGET k\n");

        await client.ExpectAsync("ERR unknown command\nERR usage: SET <key> <value>\n(nil)\n");
    }

    [Fact]
    public async Task Kv_ThousandPipelinedCommandsInOneWrite_AreAnsweredInOrder()
    {
        await using var server = StartKv();
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        var requests = new StringBuilder();
        var replies = new StringBuilder();
        for (int i = 0; i < 500; i++)
        {
            requests.Append($"SET key{i} value {i}\nGET key{i}\n");
            replies.Append($"OK\nvalue {i}\n");
        }

        var sending = client.SendAsync(requests.ToString());
        await client.ExpectAsync(replies.ToString());
        await sending.WithinAsync("sending the pipeline");
    }

    [Fact]
    public async Task Kv_Quit_ClosesTheConnection()
    {
        await using var server = StartKv();
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("SET a 1\nQUIT\n");

        await client.ExpectAsync("OK\n");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task Kv_ConcurrentClients_EachSeeTheirOwnWrites()
    {
        await using var server = StartKv();

        async Task ClientAsync(int id)
        {
            using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
            for (int i = 0; i < 200; i++)
            {
                string key = $"c{id}:k{i % 7}";
                await client.SendAsync($"SET {key} v{id}-{i}\n");
                await client.ExpectAsync("OK\n");
                await client.SendAsync($"GET {key}\n");
                await client.ExpectAsync($"v{id}-{i}\n");
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(id => Task.Run(() => ClientAsync(id))))
            .WithinAsync("20 clients × 200 SET/GET", TimeSpan.FromSeconds(30));

        using var checker = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await checker.SendAsync("GET c0:k3\nGET c19:k3\n");
        await checker.ExpectAsync("v0-199\nv19-199\n");
    }

    // ---- robustness ----

    [Fact]
    public async Task ResetMidLine_DoesNotAffectAnotherConnection()
    {
        await using var server = Start(NetKitServices.Lines);
        using var good = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await good.SendAsync("a\n");
        await good.ExpectAsync("A\n");

        using (var bad = await LoopbackClient.ConnectAsync(server.LocalEndPoint))
        {
            await bad.SendAsync("half a li");
            bad.Reset();
        }

        await good.SendAsync("b\n");
        await good.ExpectAsync("B\n");
        var tcp = Assert.IsType<TcpServer>(server);
        await TestServers.UntilAsync(() => tcp.ActiveConnections == 1, "the reset connection's cleanup");
        await good.SendAsync("c\n");
        await good.ExpectAsync("C\n");
    }

    [Fact]
    public async Task ResetWithRepliesPending_DoesNotAffectAnotherConnection()
    {
        await using var server = Start(NetKitServices.Echo);
        using var good = await LoopbackClient.ConnectAsync(server.LocalEndPoint);

        using (var bad = await LoopbackClient.ConnectAsync(server.LocalEndPoint))
        {
            // Never reads: the server's sends back up, then hit the reset.
            var sending = bad.SendAsync(RandomBytes(4 * 1024 * 1024, seed: 7));
            await TestServers.UntilAsync(() => bad.Socket.Available >= 32 * 1024, "echoes piling up unread");
            bad.Reset();
            try
            {
                await sending.WithinAsync("the abandoned send");
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Whether the kernel had taken all of it before the reset depends on its buffer sizes.
            }
        }

        await good.SendAsync("still echoing");
        await good.ExpectAsync("still echoing");
        var tcp = Assert.IsType<TcpServer>(server);
        await TestServers.UntilAsync(() => tcp.ActiveConnections == 1, "the reset connection's cleanup");
    }

    [Fact]
    public async Task ManyConnectionsOpenedAndClosedQuickly_ServerSurvives()
    {
        await using var server = Start(NetKitServices.Echo);
        var tcp = Assert.IsType<TcpServer>(server);

        for (int i = 0; i < 200; i++)
        {
            var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
            switch (i % 3)
            {
                case 0:
                    client.Dispose();
                    break;
                case 1:
                    client.Reset();
                    break;
                default:
                    await client.SendAsync("x");
                    client.Dispose();
                    break;
            }
        }

        await TestServers.UntilAsync(() => tcp.ActiveConnections == 0, "all 200 connections' cleanup");
        using var last = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await last.SendAsync("alive");
        await last.ExpectAsync("alive");
    }

    [Fact]
    public async Task MaxConnections_ExtraConnectionIsClosed_OthersKeepWorking()
    {
        await using var server = Start(NetKitServices.Echo, new ServiceSettings { MaxConnections = 2 });
        var tcp = Assert.IsType<TcpServer>(server);
        using var first = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        using var second = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await first.SendAsync("1");
        await first.ExpectAsync("1");
        await second.SendAsync("2");
        await second.ExpectAsync("2");

        using (var third = await LoopbackClient.ConnectAsync(server.LocalEndPoint))
        {
            await third.ExpectClosedAsync(allowReset: true);
        }

        await first.SendAsync("one");
        await first.ExpectAsync("one");
        await second.SendAsync("two");
        await second.ExpectAsync("two");

        first.Dispose();
        await TestServers.UntilAsync(() => tcp.ActiveConnections == 1, "the first connection's cleanup");
        using var fourth = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await fourth.SendAsync("4");
        await fourth.ExpectAsync("4");
    }

    [Fact]
    public async Task IdleTimeout_ClosesTheIdleConnection_NotTheActiveOne()
    {
        // A fake clock: the sweep runs inside Advance, so what it cuts is cut when Advance returns.
        var clock = new FakeTimeProvider();
        await using var server = Start(NetKitServices.Echo,
            new ServiceSettings { IdleTimeout = TimeSpan.FromSeconds(1), TimeProvider = clock });
        using var idle = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        using var active = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await idle.SendAsync("served");
        await idle.ExpectAsync("served");

        for (int i = 0; i < 4; i++)
        {
            // 600 ms at a time: the active connection is never idle for a second, the idle one is from the second step.
            await active.SendAsync($"ping {i}");
            await active.ExpectAsync($"ping {i}");
            clock.Advance(TimeSpan.FromMilliseconds(600));
        }

        await idle.ExpectClosedAsync(allowReset: true);
        await active.SendAsync("still here");
        await active.ExpectAsync("still here");
    }

    [Fact]
    public async Task IdleTimeout_IsNotReachedBeforeItsTime()
    {
        var clock = new FakeTimeProvider();
        await using var server = Start(NetKitServices.Echo,
            new ServiceSettings { IdleTimeout = TimeSpan.FromSeconds(1), TimeProvider = clock });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("one");
        await client.ExpectAsync("one");

        clock.Advance(TimeSpan.FromMilliseconds(900));

        // Had the sweep cut it, the cut happened inside Advance: this round trip would fail.
        await client.SendAsync("two");
        await client.ExpectAsync("two");
        Assert.Equal(1, server is TcpServer tcp ? tcp.ActiveConnections : 1);
    }

    [Fact]
    public async Task IdleTimeout_DoesNotExecuteAHalfReceivedRequest()
    {
        await using var server = StartKv(
            new ServiceSettings { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        using (var cut = await LoopbackClient.ConnectAsync(server.LocalEndPoint))
        {
            await cut.SendAsync("SET cut v");
            await cut.ExpectClosedAsync(allowReset: true);
        }

        using var check = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await check.SendAsync("GET cut\n");
        await check.ExpectAsync("(nil)\n");
    }

    [Fact]
    public async Task Stop_ClosesIdleConnectionsPromptly_AndCompletes()
    {
        var grace = TimeSpan.FromSeconds(5);
        await using var server = Start(NetKitServices.Echo, new ServiceSettings { ShutdownGracePeriod = grace });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("x");
        await client.ExpectAsync("x");

        var clock = Stopwatch.StartNew();
        await server.StopAsync().WithinAsync("StopAsync");

        Assert.True(clock.Elapsed < grace / 2, $"stopping with one idle connection took {clock.Elapsed.TotalMilliseconds} ms");
        await client.ExpectClosedAsync();
        Assert.True(server.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Stop_LetsARequestInFlightFinish()
    {
        var grace = TimeSpan.FromSeconds(10);
        await using var server = StartKv(new ServiceSettings { ShutdownGracePeriod = grace });
        using var idle = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        using var busy = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await idle.SendAsync("GET k\n");
        await idle.ExpectAsync("(nil)\n");
        // One write: the reply to the GET proves the server also holds the partial SET behind it.
        await busy.SendAsync("GET k\nSET k v");
        await busy.ExpectAsync("(nil)\n");

        var clock = Stopwatch.StartNew();
        var stopping = server.StopAsync();
        await idle.ExpectClosedAsync();
        Assert.False(stopping.IsCompleted, "the server stopped while a request was still in flight");

        await busy.SendAsync("\n");
        await busy.ExpectAsync("OK\n");
        await busy.ExpectClosedAsync();
        await stopping.WithinAsync("StopAsync after the last request");
        Assert.True(clock.Elapsed < grace, $"stopping took {clock.Elapsed.TotalMilliseconds} ms");
        await server.Completion.WithinAsync("the server's completion");
    }

    [Fact]
    public async Task Stop_CutsARequestThatOutlastsTheGracePeriod()
    {
        var grace = TimeSpan.FromMilliseconds(300);
        await using var server = Start(NetKitServices.Count, new ServiceSettings { ShutdownGracePeriod = grace });
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("never finished");
        var tcp = Assert.IsType<TcpServer>(server);
        await TestServers.UntilAsync(() => tcp.ActiveConnections == 1, "the connection's admission");

        await server.StopAsync().WithinAsync("StopAsync past the grace period", TimeSpan.FromSeconds(5));

        await client.ExpectClosedAsync(allowReset: true);
        Assert.True(server.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Stop_Cancelled_CutsTheRestAndCompletes()
    {
        // Not `await using`: if this goes wrong, disposing is what hangs, and the test must fail instead.
        var server = Start(NetKitServices.Count, new ServiceSettings { ShutdownGracePeriod = TimeSpan.FromSeconds(30) });
        bool disposed = false;
        try
        {
            using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
            await client.SendAsync("never finished");
            var tcp = Assert.IsType<TcpServer>(server);
            await TestServers.UntilAsync(() => tcp.ActiveConnections == 1, "the connection's admission");
            using var cancel = new CancellationTokenSource();

            var stopping = server.StopAsync(cancel.Token);
            Assert.False(stopping.IsCompleted, "the server stopped while a request was still in flight");
            await cancel.CancelAsync();

            await stopping.WithinAsync("a cancelled StopAsync", TimeSpan.FromSeconds(5));
            await client.ExpectClosedAsync(allowReset: true);
            await server.Completion.WithinAsync("the server's completion", TimeSpan.FromSeconds(5));
            await server.DisposeAsync().AsTask().WithinAsync("DisposeAsync after a cancelled stop", TimeSpan.FromSeconds(5));
            disposed = true;
        }
        finally
        {
            if (!disposed)
            {
                _ = server.DisposeAsync().AsTask();
            }
        }
    }

    [Fact]
    public async Task Stop_PastTheGracePeriod_DoesNotExecuteAHalfReceivedRequest()
    {
        var store = new KeyValueStore();
        await using var server = StartKv(
            new ServiceSettings { ShutdownGracePeriod = TimeSpan.FromMilliseconds(300) }, store);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("GET cut\nSET cut v");
        await client.ExpectAsync("(nil)\n");

        await server.StopAsync().WithinAsync("StopAsync past the grace period", TimeSpan.FromSeconds(5));
        await client.ExpectClosedAsync(allowReset: true);

        // The same store served by another server shows what the first one executed.
        await using var after = StartKv(store: store);
        using var check = await LoopbackClient.ConnectAsync(after.LocalEndPoint);
        await check.SendAsync("GET cut\n");
        await check.ExpectAsync("(nil)\n");
    }

    [Fact]
    public async Task Start_OnAPortInUse_ThrowsAddressInUse()
    {
        await using var server = Start(NetKitServices.Echo);
        await using var second = ServiceFactory.Create(NetKitServices.Echo, server.LocalEndPoint,
            new ServiceSettings { Model = Model }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        var error = Assert.Throws<NetKitException>(second.Start);

        Assert.Equal(NetErrorKind.AddressInUse, error.Kind);
        using var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("first still serves");
        await client.ExpectAsync("first still serves");
    }
}
