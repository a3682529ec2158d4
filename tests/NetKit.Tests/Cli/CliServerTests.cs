using System.Net.Sockets;
using NetKit.Tests.KeyValue.Persistence;

namespace NetKit.Tests.Cli;

/// <summary>The server commands: what they print, and how they end.</summary>
public sealed class CliServerTests
{
    [Fact]
    public async Task Serve_starts_all_six_services_and_SIGTERM_ends_it_with_exit_0()
    {
        // A data directory of the test's own: the default is the real user's data folder.
        using var dir = new TempDataDirectory();
        using var server = NetkitProcess.Start("serve", "--bind-address", "127.0.0.1", "--ephemeral-ports", "--data-dir", dir.Path);
        await server.WaitForListeningAsync(6);

        Assert.Equal(
            [("count", "tcp"), ("echo", "tcp"), ("kv", "tcp"), ("lines", "tcp"), ("time", "udp"), ("udp-echo", "udp")],
            server.Endpoints.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, e.Value.Transport)));
        Assert.All(server.Endpoints.Values, e => Assert.NotEqual(0, e.Port));

        // Proof the services answer, not just bind.
        var echo = await NetkitProcess.RunAsync(["echo", "send", "x", "--connect", $"127.0.0.1:{server.Endpoints["echo"].Port}"]);
        CliClientTests.AssertSuccess(echo, "Server replied: x");

        server.Terminate();
        var result = await server.WaitForExitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        // Six listening lines, then one summary a service, in the same order.
        Assert.Equal(12, result.StdoutLines.Length);
        Assert.Equal(["echo", "lines", "count", "kv", "udp-echo", "time"], result.StdoutLines[6..].Select(l => l[..l.IndexOf(':')]));
        string version = await NetkitProcess.VersionAsync();
        Assert.All(result.StdoutLines[6..], l => Assert.Contains($": netkit {version}, pid {server.Id}, model ", l));
        Assert.EndsWith($"; data in {dir.Path} (appendonly.aof, fsync everysec): 0 keys loaded", result.StdoutLines[9]);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Serve_keeps_kv_in_the_users_data_folder_by_default()
    {
        // HOME and XDG_DATA_HOME pointed at a temp folder stand in for the user's, so the real one is untouched.
        using var home = new TempDataDirectory();
        string dataHome = Path.Combine(home.Path, "data");
        var environment = new Dictionary<string, string> { ["HOME"] = home.Path, ["XDG_DATA_HOME"] = dataHome };
        string expected = Path.Combine(dataHome, "netkit", "kv");

        using (var server = NetkitProcess.StartWithEnvironment(environment,
            "--log-level", "warning", "serve", "--bind-address", "127.0.0.1", "--ephemeral-ports"))
        {
            await server.WaitForListeningAsync(6);
            var set = await NetkitProcess.RunAsync(["kv", "set", "k", "kept", "--connect", $"127.0.0.1:{server.Endpoints["kv"].Port}"]);
            CliClientTests.AssertSuccess(set, "OK");

            server.Terminate();
            var result = await server.WaitForExitAsync();
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains(result.StdoutLines, l => l.StartsWith("kv: ", StringComparison.Ordinal)
                && l.EndsWith($"; data in {expected} (appendonly.aof, fsync everysec): 0 keys loaded", StringComparison.Ordinal));
        }

        Assert.True(File.Exists(Path.Combine(expected, "appendonly.aof")));
        using var restarted = NetkitProcess.StartWithEnvironment(environment,
            "--log-level", "warning", "serve", "--bind-address", "127.0.0.1", "--ephemeral-ports", "--fsync", "always");
        await restarted.WaitForListeningAsync(6);
        var get = await NetkitProcess.RunAsync(["kv", "get", "k", "--connect", $"127.0.0.1:{restarted.Endpoints["kv"].Port}"]);
        CliClientTests.AssertSuccess(get, "kept");
        restarted.Terminate();
        var again = await restarted.WaitForExitAsync();
        Assert.Contains(again.StdoutLines, l => l.EndsWith($"; data in {expected} (appendonly.aof, fsync always): 1 key loaded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_in_memory_keeps_no_data_and_says_so()
    {
        using var home = new TempDataDirectory();
        var environment = new Dictionary<string, string> { ["HOME"] = home.Path, ["XDG_DATA_HOME"] = Path.Combine(home.Path, "data") };
        using var server = NetkitProcess.StartWithEnvironment(environment,
            "--log-level", "warning", "serve", "--bind-address", "127.0.0.1", "--ephemeral-ports", "--in-memory");
        await server.WaitForListeningAsync(6);

        server.Terminate();
        var result = await server.WaitForExitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(12, result.StdoutLines.Length);
        Assert.EndsWith("; data in memory only, lost when the server stops (--data-dir DIR keeps it)",
            Assert.Single(result.StdoutLines, l => l.StartsWith("kv: ", StringComparison.Ordinal)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(home.Path));
    }

    [Fact]
    public async Task Service_serve_prints_the_real_port_and_a_summary_and_SIGTERM_ends_it_with_exit_0()
    {
        using var server = await NetkitProcess.StartServerAsync("lines", "--model", "threads", "--max-connections", "50");

        server.Terminate();
        var result = await server.WaitForExitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [$"lines listening on tcp 127.0.0.1:{server.Port}",
             $"lines: netkit {await NetkitProcess.VersionAsync()}, pid {server.Id}, model threads (a thread per connection), max-connections 50, idle-timeout off"],
            result.StdoutLines);
    }

    [Fact]
    public async Task Kv_serve_without_a_data_dir_says_the_data_is_in_memory_only()
    {
        using var server = await NetkitProcess.StartServerAsync("kv", "--model", "async", "--maxmemory", "1mb", "--requirepass", "pw");

        server.Terminate();
        var result = await server.WaitForExitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            $"kv: netkit {await NetkitProcess.VersionAsync()}, pid {server.Id}, model async, max-connections 10000, idle-timeout off, maxmemory 1mb, password required; " +
            "data in memory only, lost when the server stops (--data-dir DIR keeps it)",
            result.StdoutLines[1]);
    }

    [Fact]
    public async Task Count_serve_once_exits_0_after_one_client()
    {
        using var server = NetkitProcess.Start("count", "serve", "--once", "--bind", "127.0.0.1:0");
        await server.WaitForListeningAsync(1);

        var client = await NetkitProcess.RunAsync(["count", "send", "--connect", CliClientTests.Address(server)], stdin: "abc");
        var result = await server.WaitForExitAsync();

        CliClientTests.AssertSuccess(client, "Server counted: 3 bytes");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("received 3 bytes total", result.Stderr);
    }

    [Fact]
    public async Task Servers_log_connections_on_stderr_only()
    {
        using var server = NetkitProcess.Start("echo", "serve", "--bind", "127.0.0.1:0");
        await server.WaitForListeningAsync(1);

        var client = await NetkitProcess.RunAsync(["echo", "send", "hi", "--connect", CliClientTests.Address(server)]);
        server.Terminate();
        var result = await server.WaitForExitAsync();

        CliClientTests.AssertSuccess(client, "Server replied: hi");
        Assert.Equal(2, result.StdoutLines.Length);
        Assert.DoesNotContain("New connection from", result.Stdout);
        Assert.Contains("New connection from", result.Stderr);
    }

    [Fact]
    public async Task Serve_on_a_taken_port_fails_with_address_in_use()
    {
        using var taken = new TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var result = await NetkitProcess.RunAsync(["echo", "serve", "--bind", $"127.0.0.1:{port}"]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal([$"netkit: cannot listen on 127.0.0.1:{port}: address already in use"], result.StderrLines);
        Assert.Equal(string.Empty, result.Stdout);
    }
}
