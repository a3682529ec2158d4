using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using NetKit.Tests.Cli;
using NetKit.Tests.KeyValue.Persistence;
using Xunit.Abstractions;

namespace NetKit.Tests.Reliability;

/// <summary>
/// Issue 6 §1, the orderly stop: SIGTERM while several connections are writing. The server must exit 0 within
/// its grace period, and every SET it answered <c>+OK</c> must be there after a restart. (kill -9 under load,
/// and SIGTERM after the writes, are in <see cref="CliKvDurabilityTests"/>.)
/// </summary>
public sealed class SigtermUnderLoadTests(ITestOutputHelper output)
{
    private const int Writers = 4;

    /// <summary>Acknowledged writes after which SIGTERM is sent: well inside the load, so SETs are in flight.</summary>
    private const int TerminateAfter = 1_000;

    /// <summary>SIGTERM is sent by then even if the machine is too slow to reach <see cref="TerminateAfter"/>.</summary>
    private static readonly TimeSpan LoadLimit = TimeSpan.FromSeconds(3);

    /// <summary>The README's 5 s for busy connections, plus the final fsync and a loaded machine's slack.</summary>
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("always", "async")]
    [InlineData("always", "threads")]
    [InlineData("everysec", "async")]
    [InlineData("everysec", "threads")]
    public async Task SIGTERM_under_write_load_exits_0_and_keeps_every_acknowledged_write(string fsync, string model)
    {
        using var dir = new TempDataDirectory();
        var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int afterTerm = 0;
        var terminated = new StrongBox<bool>();
        TimeSpan stoppedIn;

        using (var server = await NetkitProcess.StartServerAsync("kv", "--data-dir", dir.Path, "--fsync", fsync, "--model", model))
        {
            async Task WriteAsync(int writer)
            {
                await using var client = await RespTestClient.ConnectAsync(server.Port);
                for (int i = 0; ; i++)
                {
                    string key = $"w{writer}:k{i}";
                    string value = $"v{writer}:{i}:{new string('x', i % 200)}";
                    try
                    {
                        var reply = await client.CallAsync("SET", key, value);
                        if (reply.Type != '+' || reply.Text != "OK")
                        {
                            return; // Refused while stopping: not acknowledged.
                        }
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
                    {
                        return; // Closed by the stop with this SET unanswered.
                    }

                    acknowledged[key] = value;
                    if (Volatile.Read(ref terminated.Value))
                    {
                        Interlocked.Increment(ref afterTerm);
                    }

                    if (acknowledged.Count >= TerminateAfter)
                    {
                        enough.TrySetResult();
                    }
                }
            }

            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w))).ToArray();
            await Task.WhenAny(enough.Task, Task.Delay(LoadLimit));
            Assert.False(writers.Any(w => w.IsCompleted), "a writer stopped before SIGTERM");
            var clock = Stopwatch.StartNew();
            Volatile.Write(ref terminated.Value, true);
            server.Terminate();
            var result = await server.WaitForExitAsync(ExitLimit);
            stoppedIn = clock.Elapsed;
            await Task.WhenAll(writers).WaitAsync(RespTestClient.ReplyTimeout);
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        Assert.NotEmpty(acknowledged);
        var missing = new List<string>();
        using (var restarted = await NetkitProcess.StartServerAsync("kv", "--data-dir", dir.Path))
        {
            await using var client = await RespTestClient.ConnectAsync(restarted.Port);
            // A SET in flight when its connection was closed may have been applied without its reply being read.
            long keys = (await client.CallAsync("DBSIZE")).Integer;
            Assert.True(keys >= acknowledged.Count && keys <= acknowledged.Count + Writers, $"{keys} keys, {acknowledged.Count} acknowledged");
            foreach (var batch in acknowledged.Keys.Order(StringComparer.Ordinal).Chunk(200))
            {
                var values = await client.CallAsync(["MGET", .. batch]);
                for (int i = 0; i < batch.Length; i++)
                {
                    if (values[i].Text != acknowledged[batch[i]])
                    {
                        missing.Add(values[i].IsNull ? $"{batch[i]} missing" : $"{batch[i]} holds another value");
                    }
                }
            }
        }

        output.WriteLine($"fsync {fsync}, model {model}: SIGTERM after {acknowledged.Count - afterTerm} acknowledged SETs, " +
            $"{afterTerm} more acknowledged while stopping; exit 0 in {stoppedIn.TotalMilliseconds:F0} ms; {missing.Count} missing after restart");
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged writes lost across SIGTERM: {string.Join("; ", missing.Take(8))}");
    }
}
