using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NetKit.Tests.KeyValue.Persistence;

namespace NetKit.Tests.Cli;

/// <summary>The servers under the generic host: signals, systemd readiness, the log's format and filters.</summary>
public sealed class CliHostingTests
{
    [Fact]
    public async Task Ctrl_C_stops_a_server_gracefully_with_exit_0()
    {
        using var server = NetkitProcess.Start("echo", "serve", "--bind", "127.0.0.1:0");
        await server.WaitForListeningAsync(1);

        server.Interrupt();
        var result = await server.WaitForExitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SIGINT received: stopping", result.Stderr);
    }

    [Fact]
    public async Task A_second_Ctrl_C_exits_at_once_while_a_connection_is_still_in_a_request()
    {
        using var server = NetkitProcess.Start("lines", "serve", "--bind", "127.0.0.1:0");
        await server.WaitForListeningAsync(1);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = client.GetStream();
        // One write, so the server reads the unfinished line with the first: once "X" is back, it holds half a
        // request, which a graceful stop waits for (up to its 5 s grace period).
        await stream.WriteAsync("x\nhalf a line"u8.ToArray());
        var reply = new byte[2];
        await stream.ReadExactlyAsync(reply);
        Assert.Equal("X\n", Encoding.ASCII.GetString(reply));

        server.Interrupt();
        await server.WaitForStderrAsync("SIGINT received: stopping");
        // Past the window in which one Ctrl-C reaching the process twice counts as one.
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        var second = Stopwatch.StartNew();
        server.Interrupt();
        var result = await server.WaitForExitAsync();

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains("netkit: interrupted again: exiting without waiting for connections to finish", result.StderrLines);
        Assert.True(second.Elapsed < TimeSpan.FromSeconds(4), $"exited {second.Elapsed} after the second Ctrl-C");
    }

    [Fact]
    public async Task Readiness_goes_to_NOTIFY_SOCKET_once_every_service_listens_and_stopping_on_SIGTERM()
    {
        using var dir = new TempDataDirectory();
        using var notify = NotifySocket(dir, out string path);
        using var server = NetkitProcess.StartWithEnvironment(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path },
            "--log-level", "warning", "serve", "--ephemeral-ports", "--in-memory");

        Assert.Equal("READY=1", await ReceiveAsync(notify));
        // Sent after the listeners were bound: every service answers straight away.
        await server.WaitForListeningAsync(6);
        var echo = await NetkitProcess.RunAsync(["echo", "send", "ready", "--connect", $"127.0.0.1:{server.Endpoints["echo"].Port}"]);
        CliClientTests.AssertSuccess(echo, "Server replied: ready");

        server.Terminate();
        Assert.Equal("STOPPING=1", await ReceiveAsync(notify));
        var result = await server.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, notify.Available);
    }

    [Fact]
    public async Task No_readiness_is_sent_when_a_service_cannot_listen()
    {
        using var dir = new TempDataDirectory();
        using var notify = NotifySocket(dir, out string path);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var server = NetkitProcess.StartWithEnvironment(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path },
            "echo", "serve", "--bind", $"127.0.0.1:{port}");
        var result = await server.WaitForExitAsync();

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal([$"netkit: cannot listen on 127.0.0.1:{port}: address already in use"], result.StderrLines);
        Assert.Equal(0, notify.Available);
    }

    [Fact]
    public async Task Log_format_json_writes_one_json_object_a_line_on_stderr()
    {
        using var server = NetkitProcess.Start("--log-format", "json", "echo", "serve", "--bind", "127.0.0.1:0");
        await server.WaitForListeningAsync(1);
        var client = await NetkitProcess.RunAsync(["echo", "send", "hi", "--connect", CliClientTests.Address(server)]);
        server.Terminate();
        var result = await server.WaitForExitAsync();

        CliClientTests.AssertSuccess(client, "Server replied: hi");
        Assert.True(result.ExitCode == 0, result.ToString());
        var entries = result.StderrLines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var connection = Assert.Single(entries, e => e.GetProperty("Message").GetString()!.Contains("New connection from", StringComparison.Ordinal));
        Assert.Equal("NetKit.echo", connection.GetProperty("Category").GetString());
        Assert.Equal("Information", connection.GetProperty("LogLevel").GetString());
        // Structured: the peer is a field of its own, not only words in the message.
        Assert.StartsWith("127.0.0.1:", connection.GetProperty("State").GetProperty("Peer").GetString());
        // The listening and summary lines stay plain text on stdout, for scripts.
        Assert.StartsWith("echo listening on tcp ", result.StdoutLines[0]);
    }

    [Fact]
    public async Task Logging_filters_in_the_configuration_file_quiet_one_category()
    {
        using var dir = new TempDataDirectory();
        string config = Path.Combine(dir.Path, "netkit.json");
        File.WriteAllText(config, """{ "Logging": { "LogLevel": { "Default": "Information", "NetKit.echo": "Warning" } } }""");
        using var server = NetkitProcess.Start("echo", "serve", "--bind", "127.0.0.1:0", "--config", config);
        await server.WaitForListeningAsync(1);
        var client = await NetkitProcess.RunAsync(["echo", "send", "hi", "--connect", CliClientTests.Address(server)]);
        server.Terminate();
        var result = await server.WaitForExitAsync();

        CliClientTests.AssertSuccess(client, "Server replied: hi");
        Assert.DoesNotContain("New connection from", result.Stderr);
        // Another category at the default level still logs.
        Assert.Contains("Stopping: no new connections", result.Stderr);
    }

    private static Socket NotifySocket(TempDataDirectory dir, out string path)
    {
        path = Path.Combine(dir.Path, "notify.sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(NetkitProcess.StartTimeout);
        var buffer = new byte[4096];
        int received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }
}
