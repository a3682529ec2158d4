using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using NetKit.Tests.Cli;
using NetKit.Transport;

namespace NetKit.Tests.Reliability;

/// <summary>
/// A server under a low descriptor limit (<c>nofile 256</c>) flooded with more connections than it can
/// hold: it lowers its connection limit to fit, refuses the surplus cleanly, and never dies — past the
/// limit the runtime could not even start a thread, and a process that aborted there lost every client.
/// </summary>
public sealed class DescriptorLimitTests
{
    private const int Descriptors = 256;
    private const int Flood = 400;

    [Theory]
    [InlineData("kv", "async")]
    [InlineData("kv", "threads")]
    [InlineData("echo", "async")]
    [InlineData("kv", "epoll")]
    [InlineData("echo", "epoll")]
    public async Task FloodPastTheDescriptorLimit_IsRefused_AndTheServerGoesOn(string service, string model)
    {
        using var server = NetkitProcess.StartWithDescriptorLimit(Descriptors,
            "--log-level", "warning", service, "serve", "--bind", "127.0.0.1:0", "--model", model);
        await server.WaitForListeningAsync(1);
        // The reserve follows what the process holds (a JIT build far more than a native one): it covers all
        // that it holds once listening, by no more than the margin, and the connections get the rest.
        var lowered = Regex.Match(server.Stderr, @"--max-connections lowered from 10000 to (\d+): the process may open 256 file descriptors \(ulimit -n\) and keeps (\d+) for its own use");
        Assert.True(lowered.Success, server.Stderr);
        int budget = int.Parse(lowered.Groups[1].Value, CultureInfo.InvariantCulture);
        int reserved = int.Parse(lowered.Groups[2].Value, CultureInfo.InvariantCulture);
        int held = ProcessStats.Read(server.Id)!.Value.OpenDescriptors;
        Assert.Equal(Descriptors, budget + reserved);
        Assert.InRange(reserved, held, held + DescriptorBudget.Margin);

        var sockets = new List<Socket>();
        int refusedWithMessage = 0;
        try
        {
            for (int i = 0; i < Flood; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                using var timeout = new CancellationTokenSource(LoopbackTimeout);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), timeout.Token);
            }

            if (service == "kv")
            {
                // The surplus is told why, as Redis tells a client past maxclients.
                foreach (var socket in sockets)
                {
                    if (socket.Poll(TimeSpan.FromMilliseconds(socket == sockets[^1] ? 2000 : 1), SelectMode.SelectRead))
                    {
                        var buffer = new byte[128];
                        int n = socket.Receive(buffer);
                        if (Encoding.ASCII.GetString(buffer, 0, n) == "-ERR max number of clients reached\r\n")
                        {
                            refusedWithMessage++;
                        }
                    }
                }

                Assert.True(refusedWithMessage > 0, "no connection past the limit was told -ERR max number of clients reached");
            }
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        Assert.False(server.HasExited, $"the server died under the flood: {server.Stderr}");

        // Once the flood has gone, a real client is served again (the server may still be closing the
        // flood's connections, so the first tries may be refused).
        await ServedAgainAsync(service, server.Port);
        Assert.False(server.HasExited);
        server.Terminate();
        var result = await server.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Contains("Refused ", result.Stderr);
    }

    private static readonly TimeSpan LoopbackTimeout = TimeSpan.FromSeconds(10);

    private static async Task ServedAgainAsync(string service, int port)
    {
        var deadline = DateTime.UtcNow + LoopbackTimeout;
        string last = "nothing";
        while (DateTime.UtcNow < deadline)
        {
            var reply = service == "kv"
                ? await NetkitProcess.RunAsync(["kv", "get", "nothing", "--connect", $"127.0.0.1:{port}"])
                : await NetkitProcess.RunAsync(["echo", "send", "still here", "--connect", $"127.0.0.1:{port}"]);
            string expected = service == "kv" ? "(nil)" : "Server replied: still here";
            if (reply.ExitCode == 0 && reply.Stdout.Trim() == expected)
            {
                return;
            }

            last = reply.ToString();
            await Task.Delay(100);
        }

        Assert.Fail($"no real client was served after the flood; last try: {last}");
    }
}
