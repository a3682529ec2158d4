using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.Tests.Cli;
using Xunit.Abstractions;

namespace NetKit.Tests.Reliability;

/// <summary>
/// Issue 6 §2: a peer that sends a lot and never reads what comes back. The server's memory must stay bounded
/// (its output waits for the peer, its input waits for its output) and every other client must still be
/// served. Measured from outside, as the kernel's resident set of a real <c>netkit</c> process.
/// </summary>
public sealed class NonReadingPeerTests(ITestOutputHelper output)
{
    /// <summary>What the server may add while the peer is stalled: a few connection buffers and the GC's slack,
    /// far below the 64 MiB the peer sends, so buffering it all cannot pass.</summary>
    private const long AllowedGrowth = 32L * 1024 * 1024;

    /// <summary>Past this the server is killed at once: the test has failed, and the machine is shared.</summary>
    private const long Runaway = 512L * 1024 * 1024;

    private const int StreamBytes = 64 * 1024 * 1024;
    private const int ValueBytes = 1_000_000;
    private const int PipelinedGets = 20_000;

    /// <summary>No byte accepted by the kernel for this long: the peer's sends have backed up (or all went).</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    /// <summary>How long memory is sampled once the peer is stalled, so growth that comes late is seen too.</summary>
    private static readonly TimeSpan StalledWindow = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("echo", "async")]
    [InlineData("echo", "threads")]
    [InlineData("lines", "async")]
    [InlineData("lines", "threads")]
    [InlineData("count", "async")]
    [InlineData("count", "threads")]
    public async Task A_peer_streaming_64_MiB_without_reading_leaves_server_memory_bounded(string service, string model)
    {
        // lines gets 1 KiB lines, each answered by a line as long: the same volume back as echo.
        byte[] chunk = service == "lines"
            ? Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('a', 1023) + "\n", 64)))
            : Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7)).ToArray();
        using var server = await StartAsync(service, model);
        await RunStalledPeerAsync(server, ServiceProbe.For(service), setUp: null,
            payload: Enumerable.Repeat(chunk, StreamBytes / chunk.Length), $"{service} ({model}), {StreamBytes >> 20} MiB sent");
    }

    [Theory]
    [InlineData("resp", "async")]
    [InlineData("resp", "threads")]
    [InlineData("inline", "async")]
    [InlineData("inline", "threads")]
    public async Task A_kv_peer_pipelining_GETs_of_a_1_MB_value_without_reading_leaves_server_memory_bounded(string protocol, string model)
    {
        // 20,000 replies of 1 MB are 20 GB from 440 KB of requests: only an output budget and back-pressure
        // keep the server from building them all.
        byte[] get = protocol == "resp" ? "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"u8.ToArray() : "GET k\r\n"u8.ToArray();
        byte[] requests = [.. Enumerable.Repeat(get, PipelinedGets).SelectMany(b => b)];
        using var server = await StartAsync("kv", model);
        await RunStalledPeerAsync(server, ServiceProbe.For("kv"),
            setUp: async port =>
            {
                await using var writer = await RespTestClient.ConnectAsync(port);
                Assert.Equal("OK", (await writer.CallAsync("SET", "k", new string('v', ValueBytes))).Text);
            },
            payload: requests.Chunk(64 * 1024), $"kv {protocol} ({model}), {PipelinedGets} GETs of a {ValueBytes} B value");
    }

    /// <summary>A server with a GC heap cap as a second guard for the shared machine: one that buffers without
    /// bound fails with an out-of-memory error at 1 GiB instead of taking everyone's memory.</summary>
    private static async Task<NetkitProcess> StartAsync(string service, string model)
    {
        var server = NetkitProcess.StartWithEnvironment(
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x40000000" },
            "--log-level", "warning", service, "serve", "--bind", "127.0.0.1:0", "--model", model);
        try
        {
            await server.WaitForListeningAsync(1);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private async Task RunStalledPeerAsync(
        NetkitProcess server, ServiceProbe probe, Func<int, Task>? setUp, IEnumerable<byte[]> payload, string what)
    {
        // Served once first, so the baseline already holds the code and pools any connection needs.
        Assert.Equal(ProbeOutcome.Served, await probe.RunAsync(server.Port));
        if (setUp is not null)
        {
            await setUp(server.Port);
        }

        long baseline = RssOf(server);
        long peak = baseline;
        long sent = 0;
        string? sendEnd = null;
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var stop = new CancellationTokenSource(CaseLimit);
        await peer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), stop.Token);
        var sending = Task.Run(async () =>
        {
            try
            {
                foreach (byte[] chunk in payload)
                {
                    await peer.SendAsync(chunk, SocketFlags.None, stop.Token);
                    Interlocked.Add(ref sent, chunk.Length);
                }

                sendEnd = "all sent";
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Closed by the server (a hard output limit may do that) or cut by the test: either way, stalled.
                sendEnd = ex is SocketException s ? $"closed by the server ({s.SocketErrorCode})" : "cut by the test";
            }
        });

        try
        {
            var clock = Stopwatch.StartNew();
            long lastSent = -1;
            var lastChange = TimeSpan.Zero;
            TimeSpan? stalledAt = null;
            while (true)
            {
                long rss = RssOf(server);
                peak = Math.Max(peak, rss);
                if (rss - baseline > Runaway)
                {
                    server.Kill();
                    Assert.Fail($"{what}: server RSS grew by {ProcessStats.Mib(rss - baseline)} (from {ProcessStats.Mib(baseline)}) " +
                        $"after {Interlocked.Read(ref sent) >> 10} KiB sent; killed it to spare the machine");
                }

                long now = Interlocked.Read(ref sent);
                if (now != lastSent)
                {
                    lastSent = now;
                    lastChange = clock.Elapsed;
                }

                if (stalledAt is null && (sending.IsCompleted || clock.Elapsed - lastChange >= Quiet))
                {
                    stalledAt = clock.Elapsed;
                }

                if (stalledAt is { } at && clock.Elapsed - at >= StalledWindow)
                {
                    break;
                }

                Assert.True(clock.Elapsed < CaseLimit, $"{what}: the peer's sends never settled within {CaseLimit.TotalSeconds} s");
                await Task.Delay(50); // the sampling period, not a wait for the server
            }

            var other = await probe.RunAsync(server.Port);
            peak = Math.Max(peak, RssOf(server));
            output.WriteLine($"{what}: the peer got {Interlocked.Read(ref sent) >> 10} KiB into the kernel " +
                $"({sendEnd ?? "still blocked"}); server RSS {ProcessStats.Mib(baseline)} before, peak {ProcessStats.Mib(peak)} " +
                $"(+{ProcessStats.Mib(peak - baseline)}); another client: {other}");
            Assert.Equal(ProbeOutcome.Served, other);
            Assert.True(peak - baseline <= AllowedGrowth,
                $"{what}: server RSS grew by {ProcessStats.Mib(peak - baseline)} while the peer did not read, " +
                $"more than the {ProcessStats.Mib(AllowedGrowth)} allowed");
        }
        finally
        {
            stop.Cancel();
            peer.LingerState = new LingerOption(true, 0);
            peer.Close();
            await sending;
        }
    }

    private static long RssOf(NetkitProcess server) =>
        ProcessStats.Read(server.Id)?.RssBytes
        ?? throw new InvalidOperationException($"netkit {server.Arguments} exited:\n{server.Stderr}");
}
