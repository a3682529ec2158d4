using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NetKit.Tests.Cli;

/// <summary>Each client command's exact output against a real <c>netkit SERVICE serve</c> on a free port.</summary>
public sealed class CliClientTests
{
    [Fact]
    public async Task Echo_send_prints_the_reply()
    {
        using var server = await NetkitProcess.StartServerAsync("echo");

        var result = await NetkitProcess.RunAsync(["echo", "send", "hello  world", "--connect", Address(server)]);

        AssertSuccess(result, "Server replied: hello  world");
    }

    [Fact]
    public async Task Echo_send_works_against_the_threads_model()
    {
        using var server = await NetkitProcess.StartServerAsync("echo", "--model", "threads", "--max-threads", "4");

        var result = await NetkitProcess.RunAsync(["echo", "send", "hi", "there", "--connect", Address(server)]);

        AssertSuccess(result, "Server replied: hi there");
    }

    [Fact]
    public async Task Echo_send_works_against_the_epoll_model()
    {
        using var server = await NetkitProcess.StartServerAsync("echo", "--model", "epoll");

        var result = await NetkitProcess.RunAsync(["echo", "send", "hi", "there", "--connect", Address(server)]);

        AssertSuccess(result, "Server replied: hi there");
    }

    [Fact]
    public async Task UdpEcho_send_prints_the_echo()
    {
        using var server = await NetkitProcess.StartServerAsync("udp-echo");

        var result = await NetkitProcess.RunAsync(["udp-echo", "send", "ping", "--connect", Address(server)]);

        AssertSuccess(result, "Echoed back: ping");
    }

    [Fact]
    public async Task Lines_send_prints_each_reply_and_stops_after_bye()
    {
        using var server = await NetkitProcess.StartServerAsync("lines");

        var result = await NetkitProcess.RunAsync(["lines", "send", "hello", "world", "quit", "never sent", "--connect", Address(server)]);

        AssertSuccess(result, "Server: HELLO", "Server: WORLD", "Server: bye");
    }

    [Fact]
    public async Task Lines_send_reads_stdin_without_arguments()
    {
        using var server = await NetkitProcess.StartServerAsync("lines");

        var result = await NetkitProcess.RunAsync(["lines", "send", "--connect", Address(server)], stdin: "abc\r\nÿes\n");

        AssertSuccess(result, "Server: ABC", "Server: ŸES");
    }

    [Fact]
    public async Task Count_send_counts_a_file()
    {
        using var server = await NetkitProcess.StartServerAsync("count");
        string file = Path.GetTempFileName();
        try
        {
            // Larger than one chunk and not a multiple of it.
            await File.WriteAllBytesAsync(file, new byte[200_001]);

            var result = await NetkitProcess.RunAsync(["count", "send", file, "--connect", Address(server)]);

            AssertSuccess(result, "Server counted: 200001 bytes");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Count_send_counts_stdin()
    {
        using var server = await NetkitProcess.StartServerAsync("count");

        var result = await NetkitProcess.RunAsync(["count", "send", "--connect", Address(server)], stdin: "hello\n");

        AssertSuccess(result, "Server counted: 6 bytes");
    }

    [Fact]
    public async Task Count_send_of_a_missing_file_fails_before_connecting()
    {
        var result = await NetkitProcess.RunAsync(["count", "send", "/nonexistent/netkit-test-file", "--connect", "127.0.0.1:1"]);

        Assert.Equal(1, result.ExitCode);
        AssertOneErrorLine(result, "netkit: cannot read /nonexistent/netkit-test-file: ");
    }

    [Fact]
    public async Task Kv_set_then_get_returns_the_value_with_its_spaces()
    {
        using var server = await NetkitProcess.StartServerAsync("kv");
        string address = Address(server);

        var set = await NetkitProcess.RunAsync(["kv", "set", "greeting", "hello", "big  world", "--connect", address]);
        var get = await NetkitProcess.RunAsync(["kv", "--connect", address, "get", "greeting"]);
        var missing = await NetkitProcess.RunAsync(["kv", "get", "nothing-here", "--connect", address]);

        AssertSuccess(set, "OK");
        AssertSuccess(get, "hello big  world");
        AssertSuccess(missing, "(nil)");
    }

    [Fact]
    public async Task Kv_set_prints_an_ERR_reply_as_sent_and_exits_1()
    {
        // A scripted server: the real one refuses nothing a valid `kv set` can send.
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var reply = ReplyOnceAsync(server, "ERR out of memory\n");

        var result = await NetkitProcess.RunAsync(["kv", "set", "k", "v", "--connect", $"127.0.0.1:{Port(server)}"]);

        Assert.Equal("SET k v", await reply);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(["ERR out of memory"], result.StdoutLines);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Kv_set_answered_with_neither_OK_nor_ERR_exits_10()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var reply = ReplyOnceAsync(server, "WHAT\n");

        var result = await NetkitProcess.RunAsync(["kv", "set", "k", "v", "--connect", $"127.0.0.1:{Port(server)}"]);

        await reply;
        Assert.True(result.ExitCode == 10, result.ToString());
        AssertOneErrorLine(result, $"netkit: bad reply from 127.0.0.1:{Port(server)}: expected OK, got 'WHAT'");
    }

    [Fact]
    public async Task Kv_without_a_subcommand_runs_stdin_as_a_session_without_prompts()
    {
        using var server = await NetkitProcess.StartServerAsync("kv");

        var result = await NetkitProcess.RunAsync(["kv", "--connect", Address(server)],
            stdin: "SET a one two\n\nget a\nGET b\nBOGUS\nquit\nGET a\n");

        AssertSuccess(result, "OK", "one two", "(nil)", "ERR unknown command");
    }

    [Fact]
    public async Task Kv_session_ends_at_end_of_input()
    {
        using var server = await NetkitProcess.StartServerAsync("kv");

        var result = await NetkitProcess.RunAsync(["kv", "--connect", Address(server)], stdin: "SET k v\nGET k");

        AssertSuccess(result, "OK", "v");
    }

    [Fact]
    public async Task Time_query_prints_the_server_time()
    {
        using var server = await NetkitProcess.StartServerAsync("time");
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var result = await NetkitProcess.RunAsync(["time", "query", "--connect", Address(server)]);

        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.StdoutLines);
        Assert.StartsWith("Server time: ", line);
        long seconds = long.Parse(line["Server time: ".Length..], NumberStyles.None, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, before, after);
    }

    [Fact]
    public async Task Echo_send_without_text_sends_stdin()
    {
        using var server = await NetkitProcess.StartServerAsync("echo");

        var result = await NetkitProcess.RunAsync(["echo", "send", "--connect", Address(server)], stdin: "from stdin");

        AssertSuccess(result, "Server replied: from stdin");
    }

    [Fact]
    public async Task Raw_prints_only_the_payload()
    {
        using var echo = await NetkitProcess.StartServerAsync("echo");
        using var udp = await NetkitProcess.StartServerAsync("udp-echo");
        using var lines = await NetkitProcess.StartServerAsync("lines");
        using var count = await NetkitProcess.StartServerAsync("count");
        using var time = await NetkitProcess.StartServerAsync("time");

        var echoed = await NetkitProcess.RunAsync(["echo", "send", "--raw", "--connect", Address(echo)], stdin: "two\nlines\n");
        var datagram = await NetkitProcess.RunAsync(["udp-echo", "send", "ping", "--raw", "--connect", Address(udp)]);
        var replies = await NetkitProcess.RunAsync(["lines", "send", "a", "b", "--raw", "--connect", Address(lines)]);
        var counted = await NetkitProcess.RunAsync(["count", "send", "--raw", "--connect", Address(count)], stdin: "12345");
        var seconds = await NetkitProcess.RunAsync(["time", "query", "--raw", "--connect", Address(time)]);

        Assert.True(echoed.ExitCode == 0, echoed.ToString());
        Assert.Equal("two\nlines\n", echoed.Stdout);
        AssertSuccess(datagram, "ping");
        AssertSuccess(replies, "A", "B");
        AssertSuccess(counted, "5");
        Assert.Matches(@"^\d+$", Assert.Single(seconds.StdoutLines));
    }

    /// <summary>Accepts one connection, reads one request line, answers <paramref name="reply"/>.</summary>
    private static async Task<string?> ReplyOnceAsync(TcpListener listener, string reply)
    {
        using var timeout = new CancellationTokenSource(NetkitProcess.StartTimeout);
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream);
        string? request = await reader.ReadLineAsync(timeout.Token);
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(reply), timeout.Token);
        return request;
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    internal static string Address(NetkitProcess server) => $"127.0.0.1:{server.Port}";

    internal static void AssertSuccess(NetkitResult result, params string[] expectedLines)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expectedLines, result.StdoutLines);
    }

    internal static void AssertOneErrorLine(NetkitResult result, string expectedStart)
    {
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith(expectedStart, line);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
