using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetKit.Tests.Cli;

/// <summary>
/// <c>--metrics-bind</c> end to end: Prometheus text at /metrics with each service under its own tag, a
/// /healthz, the address from the environment as from the option, and a bad address refused at the start.
/// </summary>
public sealed class CliMetricsTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Serve_exports_each_service_under_its_tag()
    {
        using var server = NetkitProcess.Start("--log-level", "warning", "serve", "--only", "echo,kv",
            "--bind", "echo=127.0.0.1:0", "--bind", "kv=127.0.0.1:0", "--metrics-bind", "127.0.0.1:0");
        await server.WaitForListeningAsync(2);
        var scrape = MetricsUri(await server.WaitForStdoutLineAsync("metrics on "));

        using (var echo = new TcpClient())
        {
            await echo.ConnectAsync(IPAddress.Loopback, server.Endpoints["echo"].Port);
            var stream = echo.GetStream();
            await stream.WriteAsync("hello\n"u8.ToArray());
            var reply = new byte[6];
            await stream.ReadExactlyAsync(reply);
        }

        using (var kv = new TcpClient())
        {
            await kv.ConnectAsync(IPAddress.Loopback, server.Endpoints["kv"].Port);
            var stream = kv.GetStream();
            await stream.WriteAsync("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"u8.ToArray());
            var reply = new byte[5];
            await stream.ReadExactlyAsync(reply);
            Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(reply));
        }

        string text = await Http.GetStringAsync(scrape);
        Assert.Contains("netkit_connections_accepted_total{", text);
        Assert.Matches("netkit_bytes_received_bytes_total\\{[^}]*service=\"echo\"[^}]*\\} 6\\b", text);
        Assert.Matches("netkit_request_duration_seconds_count\\{[^}]*command=\"set\"[^}]*service=\"kv\"[^}]*\\} 1\\b", text);

        var health = await Http.GetAsync(new Uri(scrape, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());
        server.Terminate();
        Assert.Equal(0, (await server.WaitForExitAsync()).ExitCode);
    }

    [Fact]
    public async Task The_address_may_come_from_the_environment()
    {
        using var server = NetkitProcess.StartWithEnvironment(
            new Dictionary<string, string> { ["NETKIT_METRICS__BIND"] = "127.0.0.1:0" },
            "--log-level", "warning", "echo", "serve", "--bind", "127.0.0.1:0");
        await server.WaitForListeningAsync(1);
        var scrape = MetricsUri(await server.WaitForStdoutLineAsync("metrics on "));
        Assert.Contains("target_info", await Http.GetStringAsync(scrape));
        server.Terminate();
        Assert.Equal(0, (await server.WaitForExitAsync()).ExitCode);
    }

    [Fact]
    public async Task A_bad_address_is_a_usage_error()
    {
        var result = await NetkitProcess.RunAsync(["echo", "serve", "--bind", "127.0.0.1:0", "--metrics-bind", "127.0.0.1:99999"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("invalid --metrics-bind '127.0.0.1:99999'", result.Stderr);
    }

    [Fact]
    public async Task An_address_in_use_fails_the_start_in_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var result = await NetkitProcess.RunAsync(["echo", "serve", "--bind", "127.0.0.1:0", "--metrics-bind", $"127.0.0.1:{port}"]);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot serve metrics on", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    private static Uri MetricsUri(string line) => new(line["metrics on ".Length..].Trim());
}
