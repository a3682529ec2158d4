using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NetKit.Tests.Transport;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue.Server;

/// <summary><c>redis-cli monitor</c>, unchanged, watching another client's commands on an in-process kv server.</summary>
public class RedisCliMonitorTests
{
    [RequiresToolFact("redis-cli")]
    public async Task RedisCliMonitor_PrintsAnotherClientsCommands_AsRedisWritesThem()
    {
        await using var server = KvTestServer.Start();
        var start = new ProcessStartInfo(ExternalTool.Find("redis-cli")!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "monitor" })
        {
            start.ArgumentList.Add(argument);
        }

        using var monitor = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-cli");
        using var deadline = new CancellationTokenSource(LoopbackClient.Timeout);
        try
        {
            Assert.Equal("OK", await monitor.StandardOutput.ReadLineAsync(deadline.Token));
            await TestServers.UntilAsync(() => server.Database.Monitors.Count == 1, "redis-cli's MONITOR");

            using var client = await LoopbackClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, server.Port));
            await client.SendAsync(Encode("SET", "greeting", "hello \"world\"\n"));
            await client.ExpectAsync("+OK\r\n");
            await client.SendAsync(Encode("SELECT", "3"));
            await client.ExpectAsync("+OK\r\n");
            await client.SendAsync(Encode("CONFIG", "GET", "maxmemory"));
            await client.SendAsync(Encode("GET", "greeting"));
            await client.ReadExactlyAsync("*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n$-1\r\n".Length);

            var lines = new List<string>();
            while (lines.Count < 3)
            {
                lines.Add(await monitor.StandardOutput.ReadLineAsync(deadline.Token) ?? throw new InvalidOperationException("redis-cli ended"));
            }

            // Admin commands (CONFIG) are not shown; the database is the one after the command.
            Assert.Matches(new Regex("""^\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "greeting" "hello \\"world\\"\\n"$"""), lines[0]);
            Assert.Matches(new Regex("""^\d{10}\.\d{6} \[3 127\.0\.0\.1:\d+\] "SELECT" "3"$"""), lines[1]);
            Assert.Matches(new Regex("""^\d{10}\.\d{6} \[3 127\.0\.0\.1:\d+\] "GET" "greeting"$"""), lines[2]);
            long seconds = long.Parse(lines[0][..10], CultureInfo.InvariantCulture);
            Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        }
        finally
        {
            if (!monitor.HasExited)
            {
                monitor.Kill(entireProcessTree: true);
            }

            await monitor.WaitForExitAsync(CancellationToken.None).WaitAsync(LoopbackClient.Timeout);
        }

        await TestServers.UntilAsync(() => server.Database.Monitors.Count == 0, "the monitor leaving with redis-cli");
    }
}
