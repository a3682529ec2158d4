using NetKit.Tests.KeyValue.Persistence;

namespace NetKit.Tests.Cli;

/// <summary><c>netkit kv serve --redis-conf FILE</c>: the redis.conf directives kv implements, and a warning for the rest.</summary>
public sealed class CliRedisConfTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_directives_kv_implements_reach_the_server_and_the_others_are_named_in_a_warning()
    {
        string data = Path.Combine(_dir.Path, "data");
        string conf = Write($"""
            # as Redis writes them
            bind 127.0.0.1 -::1
            port 0
            requirepass "s3cret pass"
            maxmemory 2mb
            appendonly yes
            appendfsync always
            dir {data}
            databases 8
            maxclients 100
            timeout 300
            save 900 1
            daemonize no
            notify-keyspace-events KEx
            """);
        using var server = NetkitProcess.Start("kv", "serve", "--redis-conf", conf);
        await server.WaitForListeningAsync(1);

        await using (var client = await RespTestClient.ConnectAsync(server.Port))
        {
            Assert.Equal("OK", (await client.CallAsync("AUTH", "s3cret pass")).Text);
            var settings = (await client.CallAsync("CONFIG", "GET", "*")).AsMap();
            Assert.Equal("2097152", settings["maxmemory"].Text);
            Assert.Equal("8", settings["databases"].Text);
            Assert.Equal("100", settings["maxclients"].Text);
            Assert.Equal("300", settings["timeout"].Text);
            Assert.Equal("always", settings["appendfsync"].Text);
            Assert.Equal("yes", settings["appendonly"].Text);
            Assert.Equal("xKE", settings["notify-keyspace-events"].Text);
        }

        server.Terminate();
        var result = await server.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith($"; data in {data} (appendonly.aof, fsync always): 0 keys loaded", result.StdoutLines[1]);
        Assert.Contains($"{conf}:2: kv listens on one address: using 127.0.0.1, ignoring -::1", result.Stderr);
        Assert.Contains($"{conf}:12: 'save 900 1' is not a directive kv implements; ignored", result.Stderr);
        Assert.DoesNotContain("daemonize", result.Stderr);
    }

    [Fact]
    public async Task Options_and_the_environment_win_over_the_redis_conf()
    {
        string conf = Write("""
            port 1
            maxmemory 2mb
            databases 8
            notify-keyspace-events KEA
            """);
        using var server = NetkitProcess.StartWithEnvironment(new Dictionary<string, string> { ["NETKIT_KV__DATABASES"] = "3" },
            "--log-level", "warning", "kv", "serve", "--redis-conf", conf, "--bind", "127.0.0.1:0", "--maxmemory", "1mb",
            "--notify-keyspace-events", "Ex");
        await server.WaitForListeningAsync(1);

        await using var client = await RespTestClient.ConnectAsync(server.Port);
        var settings = (await client.CallAsync("CONFIG", "GET", "*")).AsMap();
        Assert.Equal("1048576", settings["maxmemory"].Text);
        Assert.Equal("3", settings["databases"].Text);
        Assert.Equal("xE", settings["notify-keyspace-events"].Text);
    }

    [Theory]
    [InlineData("maxmemory lots", "netkit: invalid maxmemory 'lots' in FILE line 1: expected bytes from 0 up")]
    [InlineData("port 1 2", "netkit: FILE:1: 'port' takes one argument, not 2")]
    [InlineData("requirepass \"open", "netkit: FILE:1: unbalanced quotes")]
    [InlineData("notify-keyspace-events KQ", "netkit: invalid notify-keyspace-events 'KQ' in FILE line 1: expected Redis's event classes, letters of Ag$lshzxeKEtmdn (KEA: every event on both channels)")]
    [InlineData("appendonly maybe", "netkit: invalid appendonly 'maybe' in FILE line 1: expected yes or no")]
    public async Task A_bad_directive_is_one_line_naming_the_line_with_exit_2(string line, string expected)
    {
        string conf = Write(line);

        var result = await NetkitProcess.RunAsync(["kv", "serve", "--bind", "127.0.0.1:0", "--redis-conf", conf]);

        Assert.True(result.ExitCode == 2, result.ToString());
        CliClientTests.AssertOneErrorLine(result, expected.Replace("FILE", conf, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_redis_conf_exits_1()
    {
        string missing = Path.Combine(_dir.Path, "redis.conf");

        var result = await NetkitProcess.RunAsync(["kv", "serve", "--redis-conf", missing]);

        Assert.True(result.ExitCode == 1, result.ToString());
        CliClientTests.AssertOneErrorLine(result, $"netkit: cannot read --redis-conf {missing}: no such file");
    }

    private string Write(string text)
    {
        string path = Path.Combine(_dir.Path, $"redis-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text + "\n");
        return path;
    }
}
