using System.Net;
using System.Net.Sockets;

namespace NetKit.Tests.Cli;

/// <summary>design.md §3: every expected failure is one line on stderr and a documented exit code, no stack trace.</summary>
public sealed class CliErrorTests
{
    [Fact]
    public async Task Connection_refused_exits_4()
    {
        int port = FreeTcpPort();

        var result = await NetkitProcess.RunAsync(["echo", "send", "hi", "--connect", $"127.0.0.1:{port}"]);

        Assert.True(result.ExitCode == 4, result.ToString());
        CliClientTests.AssertOneErrorLine(result, $"netkit: cannot connect to 127.0.0.1:{port}: connection refused");
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task A_server_that_never_replies_times_out_with_exit_5()
    {
        // The kernel completes the handshake from the backlog; nothing ever reads or writes.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var result = await NetkitProcess.RunAsync(["echo", "send", "hi", "--connect", $"127.0.0.1:{port}", "--timeout", "1"]);

        Assert.True(result.ExitCode == 5, result.ToString());
        CliClientTests.AssertOneErrorLine(result, $"netkit: no reply from 127.0.0.1:{port}: timed out");
    }

    [Fact]
    public async Task Time_query_to_a_closed_udp_port_is_refused_with_exit_4()
    {
        // Loopback answers a datagram to a closed port with ICMP port unreachable, which the connected
        // client socket reports as a refused connection: no need to wait out the tries.
        int port = FreeUdpPort();

        var result = await NetkitProcess.RunAsync(["time", "query", "--connect", $"127.0.0.1:{port}"]);

        Assert.True(result.ExitCode == 4, result.ToString());
        CliClientTests.AssertOneErrorLine(result, $"netkit: no reply from 127.0.0.1:{port}: connection refused");
    }

    [Fact]
    public async Task Time_query_to_a_silent_udp_socket_times_out_with_exit_5()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)silent.LocalEndPoint!).Port;

        var result = await NetkitProcess.RunAsync(["time", "query", "--connect", $"127.0.0.1:{port}", "--timeout", "0.2"]);

        Assert.True(result.ExitCode == 5, result.ToString());
        CliClientTests.AssertOneErrorLine(result, $"netkit: no reply from 127.0.0.1:{port}: timed out (3 tries, 0.2 s each)");
        Assert.True(silent.Available > 0, "the requests should have reached the socket");
    }

    [Fact]
    public async Task UdpEcho_send_to_a_silent_udp_socket_times_out_with_exit_5()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)silent.LocalEndPoint!).Port;

        var result = await NetkitProcess.RunAsync(["udp-echo", "send", "hi", "--connect", $"127.0.0.1:{port}", "--timeout", "0.2"]);

        Assert.True(result.ExitCode == 5, result.ToString());
        CliClientTests.AssertOneErrorLine(result, $"netkit: no reply from 127.0.0.1:{port}: timed out");
    }

    [Theory]
    [InlineData("echo", "serve", "--model", "bogus")]
    [InlineData("echo", "serve", "--max-connections", "-1")]
    [InlineData("echo", "send", "hi", "--connect", "127.0.0.1:notaport")]
    [InlineData("echo", "send", "hi", "--connect", "127.0.0.1:65536")]
    [InlineData("echo", "send", "hi", "--timeout", "0")]
    [InlineData("echo", "send")]
    [InlineData("echo", "frobnicate")]
    [InlineData("kv", "set", "two words", "value")]
    [InlineData("--log-level", "loud", "echo", "send", "hi")]
    [InlineData]
    public async Task Bad_arguments_exit_2_with_one_line(params string[] arguments)
    {
        var result = await NetkitProcess.RunAsync(arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        CliClientTests.AssertOneErrorLine(result, "netkit: ");
        Assert.Contains("--help", result.Stderr);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task A_bind_host_that_is_not_an_address_exits_9()
    {
        var result = await NetkitProcess.RunAsync(["echo", "serve", "--bind", "nonsense:0"]);

        Assert.True(result.ExitCode == 9, result.ToString());
        CliClientTests.AssertOneErrorLine(result, "netkit: cannot listen on nonsense:0: the host must be an IP address");
    }

    [Fact]
    public async Task Version_and_help_succeed()
    {
        var version = await NetkitProcess.RunAsync(["--version"]);
        var help = await NetkitProcess.RunAsync(["echo", "send", "--help"]);

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.NotEmpty(version.StdoutLines);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("--connect", help.Stdout);
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    [Theory]
    [InlineData("kv", "serve", "--bind", "127.0.0.1:0", "--fsync", "always")]
    [InlineData("kv", "serve", "--bind", "127.0.0.1:0", "--repair-log")]
    [InlineData("serve", "--ephemeral-ports", "--in-memory", "--fsync", "no")]
    public async Task LogOptionsWithoutALog_AreAUsageError_NotSilentlyIgnored(params string[] arguments)
    {
        var result = await NetkitProcess.RunAsync(arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("append-only log", result.Stderr);
        Assert.DoesNotContain("listening", result.Stdout);
    }
}
