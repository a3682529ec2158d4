using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using NetKit.Tests.Cli;
using Xunit.Abstractions;

namespace NetKit.Tests.Reliability;

/// <summary>
/// Issue 6 §1: a write the server answered <c>+OK</c> is in the log, even when the log's disk fills up under
/// concurrent writers. Driven end to end (a real <c>netkit kv serve</c> on a small tmpfs, plain RESP clients),
/// since the loss it guards against was between the durability wait and the socket, not in the log.
/// </summary>
public sealed class FullDiskTests(ITestOutputHelper output)
{
    private const int Writers = 4;

    /// <summary>About 1 KiB a record, so a 2 MiB disk fills after some 2,000 SETs: seconds, not minutes.</summary>
    private const int ValueLength = 1000;

    private const string DiskSize = "2m";

    /// <summary>Writers stop at their first refusal; this bounds the case if the server never refuses.</summary>
    private static readonly TimeSpan FillLimit = TimeSpan.FromSeconds(12);

    [RequiresRootTheory]
    [InlineData("always", "async")]
    [InlineData("always", "threads")]
    [InlineData("everysec", "async")]
    [InlineData("everysec", "threads")]
    public async Task Acknowledged_writes_survive_a_full_disk_and_a_kill_9(string fsync, string model)
    {
        using var disk = await TmpfsMount.MountAsync($"size={DiskSize},mode=0700");
        var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var stops = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();

        using (var server = await NetkitProcess.StartServerAsync("kv", "--data-dir", disk.Path, "--fsync", fsync, "--model", model))
        {
            using var deadline = new CancellationTokenSource(FillLimit);

            // Distinct keys, so after the restart "the acknowledged value" of each is unambiguous.
            async Task WriteAsync(int writer)
            {
                await using var client = await RespTestClient.ConnectAsync(server.Port);
                for (int i = 0; ; i++)
                {
                    if (deadline.IsCancellationRequested)
                    {
                        stops.Add($"writer {writer}: time limit after {i} SETs");
                        return;
                    }

                    string key = $"w{writer}:k{i}";
                    string value = ValueOf(key);
                    string reply;
                    try
                    {
                        var answer = await client.CallAsync("SET", key, value);
                        reply = answer.Text ?? answer.ToString();
                        if (answer.Text == "OK" && answer.Type == '+')
                        {
                            acknowledged[key] = value;
                            continue;
                        }
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
                    {
                        // A closed connection (or one that hangs) is a write the client was never told succeeded.
                        reply = $"{ex.GetType().Name}: {ex.Message}";
                    }

                    stops.Add($"writer {writer}: refused after {i} SETs: {reply}");
                    return;
                }
            }

            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w))).ToArray();
            await Task.WhenAll(writers).WaitAsync(FillLimit + RespTestClient.ReplyTimeout);
            server.Kill();
            await server.WaitForExitAsync();
        }

        foreach (string stop in stops.Order(StringComparer.Ordinal))
        {
            output.WriteLine(stop);
        }

        Assert.True(stops.Any(s => s.Contains("refused", StringComparison.Ordinal)),
            $"the {DiskSize} disk never filled within {FillLimit.TotalSeconds} s, so nothing was tested");
        Assert.NotEmpty(acknowledged);

        // Restarted on the same, still full, tmpfs rather than on a copy: replay only reads the log (a torn tail
        // is cut with ftruncate, which frees space) and netkit.lock exists, empty, since the first start, so a
        // start needs no free block. A server that could not start on a full disk would be a finding too.
        var missing = new List<string>();
        using (var restarted = await NetkitProcess.StartServerAsync("kv", "--data-dir", disk.Path, "--model", model))
        {
            await using var client = await RespTestClient.ConnectAsync(restarted.Port);
            foreach (var batch in acknowledged.Keys.Order(StringComparer.Ordinal).Chunk(50))
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

        output.WriteLine($"fsync {fsync}, model {model}: {acknowledged.Count} SETs acknowledged on a {DiskSize} disk " +
            $"in {clock.Elapsed.TotalSeconds:F1} s; {missing.Count} of them missing after kill -9 and a restart");
        Assert.True(missing.Count == 0,
            $"{missing.Count} of {acknowledged.Count} acknowledged writes lost on a full disk: {string.Join("; ", missing.Take(8))}");
    }

    private static string ValueOf(string key) => key + ":" + new string((char)('a' + (key.Length % 26)), ValueLength - key.Length - 1);
}
