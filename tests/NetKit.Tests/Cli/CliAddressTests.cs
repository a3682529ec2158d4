using NetKit.Tests.KeyValue.Server;
using NetKit.Tests.Transport;
using NetKit.Transport;

namespace NetKit.Tests.Cli;

/// <summary>
/// <c>--bind</c> and <c>--connect</c> with <c>[::1]:PORT</c> and <c>unix:PATH</c>, end to end: every kind of
/// server and its client, redis-cli -s, the socket file's permissions, a stale file after kill -9, and the
/// mistakes refused in one line.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliAddressTests : IDisposable
{
    private readonly UnixSocketDirectory _directory = new();

    private static async Task<NetkitProcess> StartAsync(params string[] arguments)
    {
        var process = NetkitProcess.Start(["--log-level", "warning", .. arguments]);
        try
        {
            await process.WaitForListeningAsync(1);
            return process;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private static void AssertSuccess(NetkitResult result, params string[] lines)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(lines, result.StdoutLines);
    }

    [Fact]
    public async Task Every_server_and_client_over_ipv6()
    {
        using var echo = await StartAsync("echo", "serve", "--bind", "[::1]:0");
        using var kv = await StartAsync("kv", "serve", "--bind", "[::1]:0");
        using var udp = await StartAsync("udp-echo", "serve", "--bind", "[::1]:0");
        using var time = await StartAsync("time", "serve", "--bind", "[::1]:0");
        Assert.StartsWith("[::1]:", echo.Listeners[0].Address, StringComparison.Ordinal);

        AssertSuccess(await NetkitProcess.RunAsync(["echo", "send", "v6", "--connect", echo.Listeners[0].Address]), "Server replied: v6");
        AssertSuccess(await NetkitProcess.RunAsync(["kv", "set", "k", "v6", "--connect", kv.Listeners[0].Address]), "OK");
        AssertSuccess(await NetkitProcess.RunAsync(["udp-echo", "send", "v6", "--connect", udp.Listeners[0].Address]), "Echoed back: v6");
        var now = await NetkitProcess.RunAsync(["time", "query", "--connect", time.Listeners[0].Address, "--raw"]);
        Assert.True(now.ExitCode == 0 && long.TryParse(now.StdoutLines.Single(), out _), now.ToString());
    }

    [Fact]
    public async Task Every_server_and_client_over_a_unix_socket()
    {
        string lines = _directory.NewPath("lines"), count = _directory.NewPath("count"), udp = _directory.NewPath("udp");
        using var linesServer = await StartAsync("lines", "serve", "--bind", $"unix:{lines}");
        using var countServer = await StartAsync("count", "serve", "--bind", $"unix:{count}", "--model", "async");
        using var udpServer = await StartAsync("udp-echo", "serve", "--bind", $"unix:{udp}");
        Assert.Equal(("lines", "unix", $"unix:{lines}"), linesServer.Listeners[0]);

        AssertSuccess(await NetkitProcess.RunAsync(["lines", "send", "over", "unix", "--connect", $"unix:{lines}"]), "Server: OVER", "Server: UNIX");
        AssertSuccess(await NetkitProcess.RunAsync(["count", "send", "--connect", $"unix:{count}"], stdin: "12345"), "Server counted: 5 bytes");
        AssertSuccess(await NetkitProcess.RunAsync(["udp-echo", "send", "datagram", "--connect", $"unix:{udp}"]), "Echoed back: datagram");
    }

    [RequiresToolFact("redis-cli")]
    public async Task Kv_on_a_unix_socket_with_its_permissions_serves_redis_cli_dash_s()
    {
        string path = _directory.NewPath("kv");
        using var kv = await StartAsync("kv", "serve", "--bind", $"unix:{path}", "--unix-socket-perm", "0770");
        Assert.Equal((UnixFileMode)Convert.ToInt32("770", 8), File.GetUnixFileMode(path));

        var set = await ExternalTool.RunAsync("redis-cli", ["-s", path, "set", "where", "a socket file"], NetkitProcess.ExitTimeout);
        Assert.True(set.ExitCode == 0 && set.Stdout == "OK\n", set.ToString());
        AssertSuccess(await NetkitProcess.RunAsync(["kv", "get", "where", "--connect", $"unix:{path}"]), "a socket file");
    }

    [Fact]
    public async Task After_kill_9_the_stale_socket_file_is_replaced_and_sigterm_removes_it()
    {
        string path = _directory.NewPath("echo");
        using (var crashed = await StartAsync("echo", "serve", "--bind", $"unix:{path}"))
        {
            crashed.Kill();
            await crashed.WaitForExitAsync();
        }

        Assert.True(File.Exists(path), "kill -9 leaves the socket file behind");
        using var restarted = await StartAsync("echo", "serve", "--bind", $"unix:{path}");
        AssertSuccess(await NetkitProcess.RunAsync(["echo", "send", "again", "--connect", $"unix:{path}"]), "Server replied: again");

        var second = await NetkitProcess.RunAsync(["echo", "serve", "--bind", $"unix:{path}"]);
        Assert.Equal(ExitCodes.AddressInUse, second.ExitCode);
        Assert.Equal([$"netkit: cannot listen on unix:{path}: address already in use"], second.StderrLines);

        restarted.Terminate();
        Assert.Equal(0, (await restarted.WaitForExitAsync()).ExitCode);
        Assert.False(File.Exists(path), "a clean stop removes the socket file");
        var gone = await NetkitProcess.RunAsync(["echo", "send", "x", "--connect", $"unix:{path}"]);
        Assert.Equal(ExitCodes.ConnectionRefused, gone.ExitCode);
        Assert.Equal([$"netkit: cannot connect to unix:{path}: no such socket file"], gone.StderrLines);
    }

    [Fact]
    public async Task A_redis_conf_with_port_0_and_a_unixsocket_serves_tls_on_the_socket()
    {
        var certificates = Transport.Tls.TestCertificates.Instance;
        string path = _directory.NewPath("kv");
        string conf = Path.Combine(_directory.Path, "redis.conf");
        await File.WriteAllLinesAsync(conf,
        [
            "port 0",
            $"unixsocket {path}",
            "unixsocketperm 700",
            $"tls-cert-file {certificates.ServerCertificateFile}",
            $"tls-key-file {certificates.ServerKeyFile}",
        ]);

        using var kv = await StartAsync("kv", "serve", "--redis-conf", conf);

        Assert.Equal(("kv", "tls", $"unix:{path}"), Assert.Single(kv.Listeners));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        AssertSuccess(await NetkitProcess.RunAsync(["kv", "set", "k", "tls over a socket file", "--connect", $"unix:{path}",
            "--tls", "--cacert", certificates.CaFile]), "OK");
    }

    [Fact]
    public async Task A_file_that_is_not_a_socket_is_left_alone()
    {
        string path = _directory.NewPath("data");
        await File.WriteAllTextAsync(path, "keep me");

        var result = await NetkitProcess.RunAsync(["echo", "serve", "--bind", $"unix:{path}"]);

        Assert.Equal(ExitCodes.AddressInUse, result.ExitCode);
        Assert.Equal([$"netkit: cannot listen on unix:{path}: a file that is not a socket is in the way (it is left alone)"], result.StderrLines);
        Assert.Equal("keep me", await File.ReadAllTextAsync(path));
    }

    [Theory]
    [InlineData(new[] { "echo", "serve", "--bind", "127.0.0.1:0", "--unix-socket-perm", "700" },
        "--unix-socket-perm sets the permissions of a Unix socket's file: give a --bind unix:PATH")]
    [InlineData(new[] { "echo", "serve", "--bind", "unix:/tmp/x.sock", "--unix-socket-perm", "800" },
        "invalid --unix-socket-perm '800': expected permissions in octal from 1 to 777 (e.g. 700 or 770)")]
    [InlineData(new[] { "echo", "serve", "--bind", "unix:" }, "invalid --bind 'unix:': expected unix:PATH with a path of 1 to 107 bytes")]
    [InlineData(new[] { "echo", "send", "x", "--connect", "[::1" }, "invalid --connect '[::1': expected HOST:PORT with a port from 0 to 65535, or unix:PATH")]
    [InlineData(new[] { "kv", "serve", "--bind", "unix:/tmp/x.sock", "--tls-port", "0", "--tls-cert", "CERT", "--tls-key", "KEY" },
        "--tls-port listens on the host of --bind")]
    public async Task Address_mistakes_are_usage_errors(string[] arguments, string message)
    {
        var certificates = Transport.Tls.TestCertificates.Instance;
        var result = await NetkitProcess.RunAsync(arguments.Select(a => a switch
        {
            "CERT" => certificates.ServerCertificateFile,
            "KEY" => certificates.ServerKeyFile,
            _ => a,
        }).ToArray());

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith($"netkit: {message}", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
