using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using NetKit.Tests.KeyValue.Persistence;
using NetKit.Tests.KeyValue.Server;
using Xunit.Abstractions;

namespace NetKit.Tests.Cli;

/// <summary>
/// <c>netkit kv serve --data-dir</c> end to end: what a client was told is stored survives SIGTERM and
/// kill -9, and a damaged log is handled as the README says.
/// </summary>
public sealed class CliKvDurabilityTests(ITestOutputHelper output)
{
    private const int CrashConnections = 4;
    private const int CrashSetsPerConnection = 2_000;

    /// <summary>Acknowledged writes after which the server is killed: well inside the load, so SETs are in flight.</summary>
    private const int CrashKillAfter = 1_000;

    /// <summary>The server is killed by then even if the machine is too slow to reach <see cref="CrashKillAfter"/>.</summary>
    private static readonly TimeSpan CrashLoadLimit = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Keys_written_with_fsync_always_survive_SIGTERM_and_a_restart()
    {
        using var dir = new TempDataDirectory();
        const int keys = 300;

        using (var server = await NetkitProcess.StartServerAsync("kv", "--data-dir", dir.Path, "--fsync", "always"))
        {
            await using (var client = await RespTestClient.ConnectAsync(server.Port))
            {
                for (int i = 0; i < keys; i++)
                {
                    Assert.Equal("OK", (await client.CallAsync("SET", $"key:{i}", $"value {i}")).Text);
                }
            }

            server.Terminate();
            var stopped = await server.WaitForExitAsync();
            Assert.True(stopped.ExitCode == 0, stopped.ToString());
            Assert.Equal($"kv listening on tcp 127.0.0.1:{server.Port}", stopped.StdoutLines[0]);
            Assert.EndsWith($"; data in {dir.Path} (appendonly.aof, fsync always): 0 keys loaded", Assert.Single(stopped.StdoutLines[1..]));
        }

        using var restarted = await NetkitProcess.StartServerAsync("kv", "--data-dir", dir.Path);
        await using (var client = await RespTestClient.ConnectAsync(restarted.Port))
        {
            Assert.Equal(keys, (await client.CallAsync("DBSIZE")).Integer);
            for (int i = 0; i < keys; i++)
            {
                Assert.Equal($"value {i}", (await client.CallAsync("GET", $"key:{i}")).Text);
            }
        }

        restarted.Terminate();
        var result = await restarted.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith($"; data in {dir.Path} (appendonly.aof, fsync everysec): {keys} keys loaded", result.StdoutLines[1]);
    }

    [Theory]
    [InlineData("always")]
    [InlineData("everysec")]
    public async Task Kill_9_under_write_load_loses_no_acknowledged_write(string fsync)
    {
        using var dir = new TempDataDirectory();
        var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool[] cutOff;

        using (var server = await NetkitProcess.StartServerAsync("kv", "--data-dir", dir.Path, "--fsync", fsync))
        {
            // Each SET writes a key of its own, so "the acknowledged value" is unambiguous after the restart.
            async Task<bool> WriteAsync(int connection)
            {
                await using var client = await RespTestClient.ConnectAsync(server.Port);
                for (int i = 0; i < CrashSetsPerConnection; i++)
                {
                    string key = $"c{connection}:k{i}";
                    string value = $"v{connection}:{i}:{new string('x', i % 64)}";
                    RespValue reply;
                    try
                    {
                        reply = await client.CallAsync("SET", key, value);
                    }
                    catch (Exception ex) when (ex is IOException or SocketException)
                    {
                        return true; // Killed with this SET in flight: not acknowledged, so not recorded.
                    }

                    Assert.True(reply.Text == "OK", $"SET {key}: {reply}");
                    acknowledged[key] = value;
                    if (acknowledged.Count >= CrashKillAfter)
                    {
                        enough.TrySetResult();
                    }
                }

                return false;
            }

            var writers = Enumerable.Range(0, CrashConnections).Select(c => Task.Run(() => WriteAsync(c))).ToArray();
            await Task.WhenAny(enough.Task, Task.WhenAll(writers), Task.Delay(CrashLoadLimit));
            server.Kill();
            await server.WaitForExitAsync();
            cutOff = await Task.WhenAll(writers);
        }

        Assert.NotEmpty(acknowledged);
        Assert.True(cutOff.Any(c => c), "the server should have been killed while SETs were in flight");

        using var restarted = await NetkitProcess.StartServerAsync("kv", "--data-dir", dir.Path);
        var missing = new List<string>();
        await using (var client = await RespTestClient.ConnectAsync(restarted.Port))
        {
            foreach (var batch in acknowledged.Keys.Order(StringComparer.Ordinal).Chunk(200))
            {
                var values = await client.CallAsync(["MGET", .. batch]);
                for (int i = 0; i < batch.Length; i++)
                {
                    if (values[i].Text != acknowledged[batch[i]])
                    {
                        missing.Add($"{batch[i]} = {values[i]}, acknowledged {acknowledged[batch[i]]}");
                    }
                }
            }
        }

        output.WriteLine($"fsync {fsync}: killed with -9 after {acknowledged.Count} acknowledged SETs " +
            $"({cutOff.Count(c => c)} of {CrashConnections} connections had a SET in flight); all {acknowledged.Count - missing.Count} checked after restart");
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged writes lost, e.g. {string.Join("; ", missing.Take(5))}");
    }

    [Fact]
    public async Task A_torn_final_record_is_cut_off_with_a_warning_naming_the_offset()
    {
        using var dir = new TempDataDirectory();
        string intact = Set("a", "1") + Set("b", "2");
        File.WriteAllText(dir.LogPath, intact + "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nhal", Encoding.ASCII);

        using var server = await NetkitProcess.StartServerAsync("kv", "--data-dir", dir.Path);
        await using (var client = await RespTestClient.ConnectAsync(server.Port))
        {
            Assert.Equal("1", (await client.CallAsync("GET", "a")).Text);
            Assert.Equal("2", (await client.CallAsync("GET", "b")).Text);
            Assert.True((await client.CallAsync("GET", "c")).IsNull);
        }

        server.Terminate();
        var result = await server.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"torn record at byte {intact.Length}", result.Stderr);
        Assert.Equal(intact.Length, new FileInfo(dir.LogPath).Length);
    }

    [Fact]
    public async Task Damage_before_the_end_stops_the_start_with_exit_13_and_repair_log_truncates_there()
    {
        using var dir = new TempDataDirectory();
        string first = Set("a", "1");
        File.WriteAllText(dir.LogPath, first + Set("b", "2").Replace("SET", "ZET", StringComparison.Ordinal) + Set("c", "3"), Encoding.ASCII);
        long size = new FileInfo(dir.LogPath).Length;

        var refused = await NetkitProcess.RunAsync(["kv", "serve", "--bind", "127.0.0.1:0", "--data-dir", dir.Path]);

        Assert.True(refused.ExitCode == 13, refused.ToString());
        CliClientTests.AssertOneErrorLine(refused,
            $"netkit: cannot load the kv data in {dir.Path}: appendonly.aof is damaged at byte {first.Length}: an unknown command 'ZET'");
        Assert.Contains("--repair-log", refused.Stderr);
        Assert.Equal(string.Empty, refused.Stdout);
        Assert.Equal(size, new FileInfo(dir.LogPath).Length); // left alone without --repair-log

        using var repaired = await NetkitProcess.StartServerAsync("kv", "--data-dir", dir.Path, "--repair-log");
        await using (var client = await RespTestClient.ConnectAsync(repaired.Port))
        {
            Assert.Equal("1", (await client.CallAsync("GET", "a")).Text);
            Assert.True((await client.CallAsync("GET", "c")).IsNull);
        }

        repaired.Terminate();
        var result = await repaired.WaitForExitAsync();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"damaged at byte {first.Length}", result.Stderr);
        Assert.Equal(first.Length, new FileInfo(dir.LogPath).Length);
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_is_refused_with_exit_12_naming_the_first()
    {
        using var dir = new TempDataDirectory();
        using var first = await NetkitProcess.StartServerAsync("kv", "--data-dir", dir.Path);

        var second = await NetkitProcess.RunAsync(["kv", "serve", "--bind", "127.0.0.1:0", "--data-dir", dir.Path]);

        Assert.True(second.ExitCode == 12, second.ToString());
        CliClientTests.AssertOneErrorLine(second, $"netkit: cannot use the kv data directory {dir.Path}: locked by another netkit server (PID {first.Id})");
        Assert.Equal($"netkit: cannot use the kv data directory {dir.Path}: locked by another netkit server (PID {first.Id})", second.StderrLines[0]);
        Assert.False(first.HasExited);
    }

    private static string Set(string key, string value) =>
        $"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n";
}
