using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetKit.Tests.Cli;
using Xunit.Abstractions;

namespace NetKit.Tests.Reliability;

/// <summary>
/// Issue 6 §5: ten times more connections than <c>--max-connections</c> allows, all held open at once. The
/// surplus is turned away, the server stays up, and once the flood is gone a real client is served again.
/// </summary>
public sealed class ConnectionFloodTests(ITestOutputHelper output)
{
    private const int Limit = 20;
    private const int Flood = 200;

    /// <summary>How long the server may take to notice the flood's connections have closed.</summary>
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("echo", "async")]
    [InlineData("echo", "threads")]
    [InlineData("kv", "async")]
    [InlineData("kv", "threads")]
    public async Task A_flood_past_max_connections_is_turned_away_and_the_server_serves_again(string service, string model)
    {
        var probe = ServiceProbe.For(service);
        using var server = await NetkitProcess.StartServerAsync(service, "--model", model, "--max-connections", $"{Limit}");
        var sockets = new List<Socket>();
        try
        {
            int refusedAtConnect = 0;
            for (int i = 0; i < Flood; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    using var deadline = new CancellationTokenSource(ServiceProbe.Timeout);
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), deadline.Token);
                    sockets.Add(socket);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    // A full accept backlog may refuse outright: turned away all the same.
                    refusedAtConnect++;
                    socket.Dispose();
                }
            }

            // Every flood connection asks at once, each still holding its slot (or not) while the others ask.
            using (var deadline = new CancellationTokenSource(ServiceProbe.Timeout))
            {
                var outcomes = await Task.WhenAll(sockets.Select(s => probe.RoundTripAsync(s, deadline.Token)));
                var counts = outcomes.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
                output.WriteLine($"{service} ({model}), --max-connections {Limit}, {Flood} opened: " +
                    $"{refusedAtConnect} refused at connect, " + string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}")));
                int served = counts.GetValueOrDefault(ProbeOutcome.Served);
                Assert.True(served is >= 1 and <= Limit, $"{served} of {Flood} flood connections were served, limit {Limit}");
                Assert.True(counts.GetValueOrDefault(ProbeOutcome.TimedOut) == 0,
                    "a connection past the limit was neither served nor closed: the server holds it without serving it");
            }

            Assert.False(server.HasExited, $"the server exited under the flood:\n{server.Stderr}");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        // The server learns of the closes asynchronously; until it has, a new client may still be over the limit.
        var clock = Stopwatch.StartNew();
        ProbeOutcome last;
        int attempts = 0;
        do
        {
            attempts++;
            last = await probe.RunAsync(server.Port);
        }
        while (last != ProbeOutcome.Served && clock.Elapsed < RecoveryLimit);

        output.WriteLine($"after the flood: {last} on attempt {attempts}, {clock.ElapsedMilliseconds} ms");
        Assert.Equal(ProbeOutcome.Served, last);
        Assert.False(server.HasExited);

        server.Terminate();
        var result = await server.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
