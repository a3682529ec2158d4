using NetKit.Tests.KeyValue.Persistence;

namespace NetKit.Tests.Cli;

/// <summary><c>netkit kv serve</c>'s access and limit options: passwords, protected mode, --maxmemory, bad values.</summary>
public sealed class CliKvAccessTests
{
    private const string ProtectedModeRefusal = "netkit: refusing to listen on 0.0.0.0 without a password";

    [Fact]
    public async Task Requirepass_file_gates_commands_until_AUTH_and_keeps_the_password_off_the_command_line()
    {
        using var dir = new TempDataDirectory();
        string file = Path.Combine(dir.Path, "password");
        const string password = "correct horse battery";
        File.WriteAllText(file, password + "\nsecond line is not part of it\n");

        using var server = await NetkitProcess.StartServerAsync("kv", "--requirepass-file", file);
        Assert.DoesNotContain(password, server.Arguments);

        await using var client = await RespTestClient.ConnectAsync(server.Port);
        Assert.Equal("NOAUTH Authentication required.", (await client.CallAsync("GET", "k")).Text);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
        Assert.StartsWith("WRONGPASS", (await client.CallAsync("AUTH", "correct horse")).Text);
        Assert.Equal("OK", (await client.CallAsync("AUTH", password)).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", "k", "v")).Text);
        Assert.Equal("v", (await client.CallAsync("GET", "k")).Text);
    }

    [Fact]
    public async Task An_unreadable_requirepass_file_is_one_clear_line()
    {
        using var dir = new TempDataDirectory();
        string missing = Path.Combine(dir.Path, "no-such-file");

        var result = await NetkitProcess.RunAsync(["kv", "serve", "--bind", "127.0.0.1:0", "--requirepass-file", missing]);

        Assert.True(result.ExitCode == 1, result.ToString());
        CliClientTests.AssertOneErrorLine(result, $"netkit: cannot read --requirepass-file {missing}: no such file");
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Binding_beyond_loopback_without_a_password_is_refused_with_exit_11()
    {
        var result = await NetkitProcess.RunAsync(["kv", "serve", "--bind", "0.0.0.0:0"]);

        Assert.True(result.ExitCode == 11, result.ToString());
        CliClientTests.AssertOneErrorLine(result, ProtectedModeRefusal);
        Assert.Contains("--requirepass", result.Stderr);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Serve_all_beyond_loopback_without_a_password_is_refused_before_anything_listens()
    {
        var result = await NetkitProcess.RunAsync(["serve", "--bind-address", "0.0.0.0", "--ephemeral-ports", "--in-memory"]);

        Assert.True(result.ExitCode == 11, result.ToString());
        CliClientTests.AssertOneErrorLine(result, ProtectedModeRefusal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Binding_beyond_loopback_with_a_password_starts()
    {
        // 0.0.0.0 is every interface, loopback included; the test's traffic stays on 127.0.0.1.
        using var server = NetkitProcess.Start("--log-level", "warning", "kv", "serve", "--bind", "0.0.0.0:0", "--requirepass", "pw");
        await server.WaitForListeningAsync(1);

        await using var client = await RespTestClient.ConnectAsync(server.Port);
        Assert.Equal("NOAUTH Authentication required.", (await client.CallAsync("SET", "k", "v")).Text);
        Assert.Equal("OK", (await client.CallAsync("AUTH", "pw")).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", "k", "v")).Text);

        server.Terminate();
        var result = await server.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Maxmemory_refuses_writes_with_OOM_once_full_while_reads_go_on()
    {
        using var server = await NetkitProcess.StartServerAsync("kv", "--maxmemory", "1kb");
        await using var client = await RespTestClient.ConnectAsync(server.Port);
        string value = new('v', 100);

        int stored = 0;
        string? refusal = null;
        // 1 KiB holds fewer than 10 such values; 100 tries bound the loop whatever the per-key overhead counted.
        for (int i = 0; i < 100 && refusal is null; i++)
        {
            var reply = await client.CallAsync("SET", $"key{i}", value);
            if (reply.IsError)
            {
                refusal = reply.Text;
            }
            else
            {
                Assert.Equal("OK", reply.Text);
                stored++;
            }
        }

        Assert.Equal("OOM command not allowed when used memory > 'maxmemory'.", refusal);
        Assert.InRange(stored, 1, 10);
        Assert.Equal(value, (await client.CallAsync("GET", "key0")).Text);
        Assert.Equal(stored, (await client.CallAsync("DBSIZE")).Integer);
        Assert.Equal(["maxmemory", "1024"], (await client.CallAsync("CONFIG", "GET", "maxmemory")).Items!.Select(i => i.Text));
    }

    [Theory]
    [InlineData("--fsync", "sometimes", "netkit: invalid --fsync 'sometimes': expected always, everysec or no")]
    [InlineData("--maxmemory", "12xb", "netkit: invalid --maxmemory '12xb'")]
    [InlineData("--maxmemory", "-1", "netkit: invalid --maxmemory '-1'")]
    [InlineData("--proto-max-bulk-len", "0", "netkit: invalid --proto-max-bulk-len '0'")]
    [InlineData("--requirepass", "", "netkit: the password is empty")]
    public async Task Bad_kv_option_values_are_usage_errors(string option, string value, string expected)
    {
        var result = await NetkitProcess.RunAsync(["kv", "serve", "--bind", "127.0.0.1:0", option, value]);

        Assert.True(result.ExitCode == 2, result.ToString());
        CliClientTests.AssertOneErrorLine(result, expected);
    }

    [Fact]
    public async Task Proto_max_bulk_len_and_sizes_with_units_reach_the_server()
    {
        using var server = await NetkitProcess.StartServerAsync("kv", "--proto-max-bulk-len", "1mb", "--maxmemory", "100MB",
            "--max-connections", "50");
        await using var client = await RespTestClient.ConnectAsync(server.Port);

        var config = (await client.CallAsync("CONFIG", "GET", "*")).AsMap();

        Assert.Equal("1048576", config["proto-max-bulk-len"].Text);
        Assert.Equal("104857600", config["maxmemory"].Text);
        Assert.Equal("50", config["maxclients"].Text);
        Assert.Equal("no", config["appendonly"].Text);
    }
}
