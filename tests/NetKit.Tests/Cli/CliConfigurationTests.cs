using NetKit.Tests.KeyValue.Persistence;

namespace NetKit.Tests.Cli;

/// <summary>
/// Server settings from a JSON file (<c>--config</c>), <c>NETKIT_</c> environment variables and the command line,
/// a later source winning; misspelt and bad values refused in one line that names them as their source does.
/// </summary>
public sealed class CliConfigurationTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_file_then_the_environment_then_the_command_line_each_win_over_the_one_before()
    {
        string config = Write("""{ "Echo": { "Bind": "127.0.0.1:0", "MaxConnections": 7, "IdleTimeout": 30 } }""");

        string fromFile = await SummaryAsync([], "echo", "serve", "--config", config);
        string fromEnvironment = await SummaryAsync([("NETKIT_ECHO__MAXCONNECTIONS", "8")], "echo", "serve", "--config", config);
        string fromCommandLine = await SummaryAsync([("NETKIT_ECHO__MAXCONNECTIONS", "8")],
            "echo", "serve", "--config", config, "--max-connections", "9");

        Assert.Contains("max-connections 7, idle-timeout 30 s", fromFile);
        Assert.Contains("max-connections 8, idle-timeout 30 s", fromEnvironment);
        Assert.Contains("max-connections 9, idle-timeout 30 s", fromCommandLine);
    }

    [Fact]
    public async Task Kv_settings_come_from_the_file_and_its_address_from_the_environment()
    {
        string config = Write("""{ "Kv": { "MaxMemory": "1mb", "Databases": 4, "RequirePass": "from-file" } }""");
        using var server = NetkitProcess.StartWithEnvironment(new Dictionary<string, string> { ["NETKIT_KV__BIND"] = "127.0.0.1:0" },
            "--log-level", "warning", "kv", "serve", "--config", config);
        await server.WaitForListeningAsync(1);

        await using var client = await RespTestClient.ConnectAsync(server.Port);
        Assert.Equal("OK", (await client.CallAsync("AUTH", "from-file")).Text);
        var settings = (await client.CallAsync("CONFIG", "GET", "*")).AsMap();
        Assert.Equal("1048576", settings["maxmemory"].Text);
        Assert.Equal("4", settings["databases"].Text);
    }

    [Fact]
    public async Task In_memory_on_the_command_line_wins_over_a_data_directory_in_the_file()
    {
        string data = Path.Combine(_dir.Path, "data");
        string config = Write($$"""{ "Kv": { "DataDir": "{{data}}" } }""");

        string summary = await SummaryAsync([], "serve", "--only", "kv", "--ephemeral-ports", "--config", config, "--in-memory");

        Assert.EndsWith("; data in memory only, lost when the server stops (--data-dir DIR keeps it)", summary);
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task Serve_only_runs_the_services_named_and_bind_moves_one_of_them()
    {
        using var server = NetkitProcess.Start("--log-level", "warning", "serve", "--only", "kv,echo", "--in-memory",
            "--bind", "kv=127.0.0.1:0", "--bind", "echo=127.0.0.1:0");
        await server.WaitForListeningAsync(2);

        await using var client = await RespTestClient.ConnectAsync(server.Endpoints["kv"].Port);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
        server.Terminate();
        var result = await server.WaitForExitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["echo", "kv"], server.Endpoints.Keys.Order());
        Assert.Equal(4, result.StdoutLines.Length);
    }

    [Fact]
    public async Task Serve_takes_each_services_address_from_the_file()
    {
        string config = Write("""{ "Serve": { "Only": ["time", "udp-echo"] }, "UdpEcho": { "Bind": "127.0.0.1:0" }, "Time": { "Bind": "127.0.0.1:0" } }""");
        using var server = NetkitProcess.Start("--log-level", "warning", "serve", "--config", config);
        await server.WaitForListeningAsync(2);

        var time = await NetkitProcess.RunAsync(["time", "query", "--connect", $"127.0.0.1:{server.Endpoints["time"].Port}"]);
        server.Terminate();
        await server.WaitForExitAsync();

        Assert.True(time.ExitCode == 0, time.ToString());
        Assert.Equal(["time", "udp-echo"], server.Endpoints.Keys.Order());
    }

    [Theory]
    [InlineData("""{ "Kv": { "MaxMemroy": "1mb" } }""", "netkit: unknown setting Kv:MaxMemroy in FILE (did you mean 'MaxMemory'?)")]
    [InlineData("""{ "Kvv": { } }""", "netkit: unknown section Kvv in FILE (did you mean 'Kv'?)")]
    [InlineData("""{ "Kv": { "MaxMemory": "12xb" } }""", "netkit: invalid Kv:MaxMemory '12xb' in FILE: expected bytes from 0 up")]
    [InlineData("""{ "Echo": { "Model": "fibers" } }""", "netkit: invalid Echo:Model 'fibers' in FILE: expected async, threads or epoll")]
    [InlineData("""{ "UdpEcho": { "MaxConnections": 5 } }""", "netkit: unknown setting UdpEcho:MaxConnections in FILE")]
    [InlineData("""{ "Serve": { "Only": "kv,ecko" } }""", "netkit: invalid Serve:Only 'kv,ecko' in FILE: there is no service 'ecko' (did you mean 'echo'?)")]
    [InlineData("""{ "Kv": { "MaxMemory": """, "netkit: cannot read --config FILE: not valid JSON: ")]
    public async Task A_bad_file_is_one_line_naming_the_key_and_the_file_with_exit_2(string json, string expected)
    {
        string config = Write(json);

        var result = await NetkitProcess.RunAsync(["serve", "--ephemeral-ports", "--in-memory", "--config", config]);

        Assert.True(result.ExitCode == 2, result.ToString());
        CliClientTests.AssertOneErrorLine(result, expected.Replace("FILE", config, StringComparison.Ordinal));
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task A_bad_environment_variable_is_named_as_it_is_spelt()
    {
        using var server = NetkitProcess.StartWithEnvironment(new Dictionary<string, string> { ["NETKIT_KV__FSYNC"] = "sometimes" },
            "kv", "serve", "--bind", "127.0.0.1:0");
        var result = await server.WaitForExitAsync();

        Assert.True(result.ExitCode == 2, result.ToString());
        CliClientTests.AssertOneErrorLine(result, "netkit: invalid NETKIT_KV__FSYNC 'sometimes': expected always, everysec or no");
    }

    [Fact]
    public async Task A_missing_config_file_exits_1()
    {
        string missing = Path.Combine(_dir.Path, "nothing.json");

        var result = await NetkitProcess.RunAsync(["echo", "serve", "--config", missing]);

        Assert.True(result.ExitCode == 1, result.ToString());
        CliClientTests.AssertOneErrorLine(result, $"netkit: cannot read --config {missing}: no such file");
    }

    [Theory]
    [InlineData("--only", "kv,ecko", "netkit: invalid --only 'kv,ecko': there is no service 'ecko' (did you mean 'echo'?)")]
    [InlineData("--bind", "kvv=127.0.0.1:0", "netkit: invalid --bind 'kvv=127.0.0.1:0': there is no service 'kvv' (did you mean 'kv'?)")]
    [InlineData("--bind", "0.0.0.0", "netkit: invalid --bind '0.0.0.0': expected NAME=HOST:PORT")]
    public async Task Bad_serve_options_are_usage_errors(string option, string value, string expected)
    {
        var result = await NetkitProcess.RunAsync(["serve", "--ephemeral-ports", "--in-memory", option, value]);

        Assert.True(result.ExitCode == 2, result.ToString());
        CliClientTests.AssertOneErrorLine(result, expected);
    }

    /// <summary>The first summary line of a server started with these arguments (and <paramref name="environment"/>).</summary>
    private static async Task<string> SummaryAsync((string Name, string Value)[] environment, params string[] arguments)
    {
        using var server = NetkitProcess.StartWithEnvironment(environment.ToDictionary(e => e.Name, e => e.Value),
            ["--log-level", "warning", .. arguments]);
        await server.WaitForListeningAsync(1);
        server.Terminate();
        var result = await server.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdoutLines.Last();
    }

    private string Write(string json)
    {
        string path = Path.Combine(_dir.Path, $"netkit-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
