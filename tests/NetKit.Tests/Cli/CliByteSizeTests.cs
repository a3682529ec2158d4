namespace NetKit.Tests.Cli;

/// <summary>Sizes on the command line read as Redis reads them (k = 1,000, kb = 1,024, any case), through the one parser kv's CONFIG SET uses too.</summary>
public sealed class CliByteSizeTests
{
    [Fact]
    public async Task MaxmemoryAndOutputLimits_TakeRedisUnits_InAnyCase()
    {
        using var server = await NetkitProcess.StartServerAsync("kv", "--maxmemory", " 3K ",
            "--client-output-buffer-limit", "normal 1KB 2k 3 pubsub 1G 1gb 1k");
        await using var client = await RespTestClient.ConnectAsync(server.Port);

        var maxmemory = await client.CallAsync("CONFIG", "GET", "maxmemory");
        var limits = await client.CallAsync("CONFIG", "GET", "client-output-buffer-limit");

        Assert.Equal(["maxmemory", "3000"], maxmemory.Items!.Select(i => i.Text));
        Assert.Equal(["client-output-buffer-limit", "normal 1024 2000 3 slave 268435456 67108864 60 pubsub 1000000000 1073741824 1000"],
            limits.Items!.Select(i => i.Text));
    }

    [Theory]
    [InlineData("--maxmemory", "1.5mb", "netkit: invalid --maxmemory '1.5mb': expected bytes from 0 up, optionally with a unit (k, kb, m, mb, g, gb)")]
    [InlineData("--maxmemory", "1kib", "netkit: invalid --maxmemory '1kib': expected bytes from 0 up, optionally with a unit (k, kb, m, mb, g, gb)")]
    [InlineData("--client-output-buffer-limit", "normal 1tb 0 0", "netkit: invalid --client-output-buffer-limit 'normal 1tb 0 0': Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    public async Task NotASize_IsOneLine_WithExit2(string option, string value, string expected)
    {
        var result = await NetkitProcess.RunAsync(["kv", "serve", "--bind", "127.0.0.1:0", option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }
}
