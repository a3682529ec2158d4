using NetKit.Tests.KeyValue.Persistence;

namespace NetKit.Tests.Cli;

/// <summary><c>--client-output-buffer-limit</c>: NetKit's "HARD SOFT SECONDS" or Redis's per-class form, read back by CONFIG GET.</summary>
public sealed class CliOutputLimitTests
{
    [Theory]
    [InlineData("normal 0 2mb 30 pubsub 1mb 512kb 10", "normal 0 2097152 30 slave 268435456 67108864 60 pubsub 1048576 524288 10")]
    [InlineData("pubsub 64mb 16mb 120", "normal 0 1048576 60 slave 268435456 67108864 60 pubsub 67108864 16777216 120")]
    [InlineData("0 0 0", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")]
    public async Task Classes_GivenOnTheCommandLine_ReachTheServer(string option, string configGet)
    {
        using var server = await NetkitProcess.StartServerAsync("kv", "--client-output-buffer-limit", option);
        await using var client = await RespTestClient.ConnectAsync(server.Port);

        var reply = await client.CallAsync("CONFIG", "GET", "client-output-buffer-limit");

        Assert.Equal(["client-output-buffer-limit", configGet], reply.Items!.Select(i => i.Text));
    }

    [Fact]
    public async Task A_redis_conf_with_a_line_per_class_sets_them_all_the_later_line_winning()
    {
        using var dir = new TempDataDirectory();
        string conf = Path.Combine(dir.Path, "redis.conf");
        await File.WriteAllTextAsync(conf, """
            port 0
            client-output-buffer-limit normal 0 0 0
            client-output-buffer-limit replica 256mb 64mb 60
            client-output-buffer-limit pubsub 32mb 8mb 60
            client-output-buffer-limit pubsub 64mb 16mb 120
            """);
        using var server = NetkitProcess.Start("kv", "serve", "--redis-conf", conf);
        await server.WaitForListeningAsync(1);
        await using var client = await RespTestClient.ConnectAsync(server.Port);

        var reply = await client.CallAsync("CONFIG", "GET", "client-output-buffer-limit");

        Assert.Equal(["client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 120"],
            reply.Items!.Select(i => i.Text));
    }

    [Theory]
    [InlineData("pubsub 1x 1 1", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    [InlineData("master 1 1 1", "Invalid client class specified in buffer limit configuration.")]
    [InlineData("pubsub 1mb 1mb", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    [InlineData("1 2", "Wrong number of arguments in buffer limit configuration.")]
    public async Task A_bad_limit_is_a_one_line_usage_error(string option, string reason)
    {
        var result = await NetkitProcess.RunAsync(["kv", "serve", "--bind", "127.0.0.1:0", "--client-output-buffer-limit", option]);

        Assert.True(result.ExitCode == 2, result.ToString());
        CliClientTests.AssertOneErrorLine(result, $"netkit: invalid --client-output-buffer-limit '{option}': {reason}");
    }
}
