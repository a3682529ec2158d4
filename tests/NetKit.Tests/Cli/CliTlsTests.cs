using System.Globalization;
using NetKit.Tests.KeyValue.Server;
using NetKit.Tests.Transport.Tls;
using NetKit.Transport;

namespace NetKit.Tests.Cli;

/// <summary>
/// <c>--tls-cert</c>/<c>--tls-key</c> on the servers, kv's <c>--tls-port</c>, and the clients' <c>--tls</c>,
/// <c>--cacert</c>, <c>--insecure</c>, end to end with the throwaway CA's PEM files; a wrong CA refused in one
/// line with exit 17; mistakes in the options refused before anything listens.
/// </summary>
public sealed class CliTlsTests
{
    private static readonly TestCertificates Certificates = TestCertificates.Instance;

    private static string[] Tls => ["--tls-cert", Certificates.ServerCertificateFile, "--tls-key", Certificates.ServerKeyFile];

    private static string[] Trusting(string caFile) => ["--tls", "--cacert", caFile];

    private static async Task<NetkitProcess> StartAsync(int lines, params string[] arguments)
    {
        var process = NetkitProcess.Start(["--log-level", "warning", .. arguments]);
        try
        {
            await process.WaitForListeningAsync(lines);
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
    public async Task Echo_lines_and_count_serve_tls_and_their_clients_speak_it()
    {
        using var echo = await StartAsync(1, ["echo", "serve", "--bind", "127.0.0.1:0", .. Tls]);
        using var lines = await StartAsync(1, ["lines", "serve", "--bind", "127.0.0.1:0", "--model", "threads", .. Tls]);
        using var count = await StartAsync(1, ["count", "serve", "--bind", "127.0.0.1:0", .. Tls]);
        Assert.Equal("tls", Assert.Single(echo.Listeners).Transport);

        AssertSuccess(await NetkitProcess.RunAsync(["echo", "send", "over tls", "--connect", echo.Listeners[0].Address, .. Trusting(Certificates.CaFile)]),
            "Server replied: over tls");
        AssertSuccess(await NetkitProcess.RunAsync(["lines", "send", "hello", "quit", "--connect", lines.Listeners[0].Address, .. Trusting(Certificates.CaFile)]),
            "Server: HELLO", "Server: bye");
        AssertSuccess(await NetkitProcess.RunAsync(["count", "send", "--connect", count.Listeners[0].Address, .. Trusting(Certificates.CaFile)],
            stdin: new string('x', 100_000)), "Server counted: 100000 bytes");
    }

    [Fact]
    public async Task The_start_up_summary_names_the_certificate()
    {
        var server = NetkitProcess.Start(["echo", "serve", "--bind", "127.0.0.1:0", .. Tls]);
        using (server)
        {
            await server.WaitForListeningAsync(1);
            server.Terminate();
            var stopped = await server.WaitForExitAsync();

            Assert.Contains(stopped.StdoutLines, l => l.StartsWith("echo: ", StringComparison.Ordinal)
                && l.Contains($", tls certificate localhost valid until {Certificates.Server.NotAfter.ToUniversalTime():yyyy-MM-dd}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_server_certificate_from_another_ca_is_refused_in_one_line_with_exit_17()
    {
        using var echo = await StartAsync(1, ["echo", "serve", "--bind", "127.0.0.1:0", .. Tls]);
        string address = echo.Listeners[0].Address;

        var refused = await NetkitProcess.RunAsync(["echo", "send", "x", "--connect", address, .. Trusting(Certificates.WrongCaFile)]);

        Assert.Equal(ExitCodes.TlsFailed, refused.ExitCode);
        Assert.Equal([$"netkit: cannot connect to {address} over TLS: the server's certificate is not trusted: no CA trusted here signed it " +
                      "(give the one that did with --cacert)"], refused.StderrLines);
        Assert.Empty(refused.Stdout);
        AssertSuccess(await NetkitProcess.RunAsync(["echo", "send", "x", "--connect", address, "--tls", "--insecure", "--raw"]), "x");
    }

    [Fact]
    public async Task Kv_serves_tls_on_its_tls_port_beside_the_plain_one()
    {
        using var kv = await StartAsync(2, ["kv", "serve", "--bind", "127.0.0.1:0", "--tls-port", "0", .. Tls]);
        var (plain, tls) = (kv.Listeners[0], kv.Listeners[1]);
        Assert.Equal(("kv", "tcp"), (plain.Name, plain.Transport));
        Assert.Equal(("kv", "tls"), (tls.Name, tls.Transport));

        AssertSuccess(await NetkitProcess.RunAsync(["kv", "set", "greeting", "hello", "tls", "--connect", tls.Address, .. Trusting(Certificates.CaFile)]), "OK");
        // kv's own options, given before the subcommand, reach it too.
        AssertSuccess(await NetkitProcess.RunAsync(["kv", "--connect", tls.Address, .. Trusting(Certificates.CaFile), "get", "greeting"]), "hello tls");
        AssertSuccess(await NetkitProcess.RunAsync(["kv", "get", "greeting", "--connect", plain.Address]), "hello tls");
    }

    [RequiresToolFact("redis-cli")]
    public async Task Redis_cli_with_tls_reaches_the_tls_port_and_refuses_another_ca()
    {
        using var kv = await StartAsync(2, ["kv", "serve", "--bind", "127.0.0.1:0", "--tls-port", "0", .. Tls]);
        string port = kv.Listeners[1].Address.Split(':')[^1];
        string[] cli = ["-h", "127.0.0.1", "-p", port, "--tls"];

        var set = await ExternalTool.RunAsync("redis-cli", [.. cli, "--cacert", Certificates.CaFile, "set", "k", "v"], NetkitProcess.ExitTimeout);
        Assert.True(set.ExitCode == 0 && set.Stdout == "OK\n", set.ToString());
        var refused = await ExternalTool.RunAsync("redis-cli", [.. cli, "--cacert", Certificates.WrongCaFile, "get", "k"], NetkitProcess.ExitTimeout);
        Assert.Contains("certificate verify failed", refused.Stderr, StringComparison.Ordinal);
        var plainPort = kv.Endpoints["kv"].Port.ToString(CultureInfo.InvariantCulture);
        var plain = await ExternalTool.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", plainPort, "get", "k"], NetkitProcess.ExitTimeout);
        Assert.Equal("v\n", plain.Stdout);
    }

    [Fact]
    public async Task Serve_all_makes_every_tcp_service_tls()
    {
        using var all = await StartAsync(6, ["serve", "--ephemeral-ports", "--in-memory", .. Tls]);

        Assert.Equal(["echo tls", "lines tls", "count tls", "kv tls", "udp-echo udp", "time udp"],
            all.Listeners.Select(l => $"{l.Name} {l.Transport}"));
    }

    [Theory]
    [InlineData(new[] { "echo", "serve", "--tls-key", "KEY" }, "--tls-key needs --tls-cert too: a certificate and its key go together")]
    [InlineData(new[] { "kv", "serve", "--tls-port", "0" }, "--tls-port serves TLS: give --tls-cert and --tls-key too")]
    [InlineData(new[] { "kv", "serve", "--tls-port", "70000" }, "invalid --tls-port '70000': expected a port from 0 to 65535")]
    [InlineData(new[] { "echo", "send", "x", "--cacert", "CA" }, "--cacert applies to a TLS connection: give --tls too")]
    [InlineData(new[] { "echo", "send", "x", "--tls", "--cacert", "CA", "--insecure" }, "--cacert and --insecure contradict each other: give one")]
    public async Task Option_mistakes_are_usage_errors(string[] arguments, string message)
    {
        string[] resolved = arguments.Select(a => a switch
        {
            "KEY" => Certificates.ServerKeyFile,
            "CA" => Certificates.CaFile,
            _ => a,
        }).ToArray();

        string[] bind = resolved[1] == "serve" ? ["--bind", "127.0.0.1:0"] : [];

        var result = await NetkitProcess.RunAsync([.. resolved, .. bind]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith($"netkit: {message}", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_certificate_file_stops_the_start_in_one_line()
    {
        string missing = Path.Combine(Certificates.Directory, "nope.pem");

        var result = await NetkitProcess.RunAsync(["echo", "serve", "--bind", "127.0.0.1:0", "--tls-cert", missing, "--tls-key", Certificates.ServerKeyFile]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal([$"netkit: cannot load the TLS certificate {missing} with the key {Certificates.ServerKeyFile}: no such file"], result.StderrLines);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task A_missing_ca_file_is_one_line()
    {
        string missing = Path.Combine(Certificates.Directory, "no-ca.pem");

        var result = await NetkitProcess.RunAsync(["echo", "send", "x", "--connect", "127.0.0.1:9", "--tls", "--cacert", missing]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal([$"netkit: cannot load the CA certificates {missing}: no such file"], result.StderrLines);
    }
}
