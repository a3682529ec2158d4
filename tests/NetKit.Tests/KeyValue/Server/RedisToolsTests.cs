using NetKit.KeyValue;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>redis-cli and redis-benchmark (apt redis-tools), unchanged, against an in-process kv server.</summary>
public class RedisToolsTests
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan BenchmarkTimeout = TimeSpan.FromSeconds(90);

    private static Task<ToolResult> Cli(KvTestServer server, params string[] args) =>
        ExternalTool.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), .. args], CliTimeout);

    [RequiresToolFact("redis-cli")]
    public async Task PingSetGet()
    {
        await using var server = KvTestServer.Start();
        var ping = await Cli(server, "ping");
        Assert.True(ping.ExitCode == 0, ping.ToString());
        Assert.Equal("PONG\n", ping.Stdout);

        Assert.Equal("OK\n", (await Cli(server, "set", "cli key", "hello world")).Stdout);
        Assert.Equal("hello world\n", (await Cli(server, "get", "cli key")).Stdout);
        Assert.Equal("\n", (await Cli(server, "get", "missing")).Stdout);
        Assert.Equal("1\n", (await Cli(server, "dbsize")).Stdout);
        var unknown = await Cli(server, "nosuchcmd");
        Assert.StartsWith("ERR unknown command 'nosuchcmd'", unknown.Stdout, StringComparison.Ordinal);
    }

    [RequiresToolFact("redis-cli")]
    public async Task InfoParses()
    {
        await using var server = KvTestServer.Start();
        var result = await Cli(server, "info");
        Assert.True(result.ExitCode == 0, result.ToString());
        // redis-cli prints INFO's text as the server sent it.
        var info = InfoText.Parse(result.Stdout);
        Assert.Equal("7.0.15", info["Server"]["redis_version"]);
        Assert.Equal(server.Port.ToString(CultureInfo.InvariantCulture), info["Server"]["tcp_port"]);
        Assert.Equal("1", info["Clients"]["connected_clients"]);
    }

    [RequiresToolFact("redis-cli")]
    public async Task ClientListAndCommandDocs()
    {
        await using var server = KvTestServer.Start();
        var list = await Cli(server, "client", "list");
        Assert.Matches(@"^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:" + server.Port + " .* cmd=client .*resp=2\n$", list.Stdout);
        var docs = await Cli(server, "command", "docs", "get");
        Assert.True(docs.ExitCode == 0, docs.ToString());
        Assert.Contains("Returns the string value of a key.", docs.Stdout, StringComparison.Ordinal);
    }

    [RequiresToolFact("redis-cli")]
    public async Task Password()
    {
        await using var server = KvTestServer.StartWithPassword("pw 123");
        Assert.StartsWith("NOAUTH", (await Cli(server, "get", "k")).Stdout, StringComparison.Ordinal);
        var authed = await Cli(server, "-a", "pw 123", "--no-auth-warning", "ping");
        Assert.Equal("PONG\n", authed.Stdout);
    }

    [RequiresToolFact("redis-cli")]
    public async Task PipeMassInsertion()
    {
        // The mass-insertion input Redis documents: RESP requests, here with blank lines between some of
        // them (no reply, as in Redis). redis-cli --pipe adds an ECHO of its own and waits for it.
        await using var server = KvTestServer.Start();
        var input = new StringBuilder();
        for (int i = 0; i < 1000; i++)
        {
            input.Append(Encoding.UTF8.GetString(RespSession.Encode("SET", $"key:{i}", $"value {i}")));
            if (i % 100 == 0)
            {
                input.Append("\r\n\n");
            }
        }

        var result = await ExternalTool.RunAsync(
            "redis-cli", ["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "--pipe"], CliTimeout,
            Encoding.UTF8.GetBytes(input.ToString()));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("errors: 0, replies: 1000", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("1000\n", (await Cli(server, "dbsize")).Stdout);
        Assert.Equal("value 999\n", (await Cli(server, "get", "key:999")).Stdout);
    }

    [RequiresToolFact("redis-cli")]
    public async Task PipeInlineInputWithRespInlineReplies()
    {
        // Redis accepts inline lines on --pipe; with --inline-replies resp so does kv.
        await using var server = KvTestServer.Start(new KeyValueServerOptions { Port = 0, InlineReplies = InlineReplyMode.Resp });
        var result = await ExternalTool.RunAsync(
            "redis-cli", ["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "--pipe"], CliTimeout,
            "SET p1 v1\r\nSET p2 \"two words\"\r\n"u8.ToArray());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("errors: 0, replies: 2", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("two words\n", (await Cli(server, "get", "p2")).Stdout);
    }

    [RequiresToolFact("redis-cli")]
    public async Task MemKeysAndHotKeysAsAgainstRedis()
    {
        await using var server = KvTestServer.Start();
        await Cli(server, "set", "small", "1234");
        await Cli(server, "set", "large", new string('x', 100));
        var memkeys = await Cli(server, "--memkeys");
        Assert.True(memkeys.ExitCode == 0, memkeys.ToString());
        Assert.Contains("Biggest string found '\"large\"' has 160 bytes", memkeys.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 strings with 208 bytes", memkeys.Stdout, StringComparison.Ordinal);

        // As redis-server with its default policy: --hotkeys needs an LFU policy, and says so.
        var refused = await Cli(server, "--hotkeys");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("An LFU maxmemory policy is not selected", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
    }

    [RequiresToolFact("redis-benchmark")]
    public async Task BenchmarkSetGet()
    {
        await using var server = KvTestServer.Start();
        await Benchmark(server);
    }

    [RequiresToolFact("redis-benchmark")]
    public async Task BenchmarkSetGetPipelined()
    {
        await using var server = KvTestServer.Start();
        await Benchmark(server, "-P", "16");
    }

    private static async Task Benchmark(KvTestServer server, params string[] extra)
    {
        var result = await ExternalTool.RunAsync(
            "redis-benchmark",
            ["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-t", "set,get", "-n", "2000", "-c", "10", "-q", .. extra],
            BenchmarkTimeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        // Progress is redrawn with '\r'; the final figure for each test follows the last one.
        string text = result.Stdout.Replace('\r', '\n');
        Assert.Matches(new Regex(@"(?m)^SET: [0-9.]+ requests per second"), text);
        Assert.Matches(new Regex(@"(?m)^GET: [0-9.]+ requests per second"), text);
        Assert.DoesNotContain("ERR", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
