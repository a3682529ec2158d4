using System.Collections.Concurrent;
using System.Text;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;

namespace NetKit.Tests.KeyValue.Persistence;

/// <summary>Sorted sets in the append-only log: recorded as absolute ZADD/ZREM records, replayed, and rewritten
/// while ZADD and ZINCRBY go on without losing or doubling anything.</summary>
public class SortedSetPersistenceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static RespCommandRunner Open(string directory, out AppendOnlyLog log)
    {
        var database = new KeyValueDatabase();
        log = AppendOnlyLog.Open(directory, FsyncPolicy.Always, database.Store);
        log.AutoRewritePercentage = 0;
        database.AttachLog(log);
        return new RespCommandRunner(database);
    }

    [Fact]
    public async Task EveryChangeReplays_ZIncrByAsTheScoreItGave()
    {
        using var dir = new TempDataDirectory();
        using (var kv = Open(dir.Path, out var log))
        {
            kv.Run("ZADD", "z", "1", "a", "2", "b", "3", "c", "inf", "top", "1.1", "d");
            kv.Run("ZINCRBY", "z", "10", "a");
            kv.Run("ZADD", "z", "INCR", "0.5", "b");
            kv.Run("ZREM", "z", "c");
            kv.Run("ZPOPMAX", "z");
            kv.Run("ZADD", "gone", "1", "x");
            kv.Run("ZREMRANGEBYSCORE", "gone", "-inf", "+inf");
            kv.Run("ZADD", "src", "5", "p", "6", "q");
            kv.Run("ZUNIONSTORE", "union", "2", "src", "z", "WEIGHTS", "2", "1");
            kv.Run("ZRANGESTORE", "stored", "src", "0", "0");
            kv.Run("ZADD", "r", "1", "x", "2", "y");
            kv.Run("RENAME", "r", "r2");
            kv.Run("MOVE", "r2", "4");
            kv.Run("COPY", "src", "copied");
            kv.Run("ZADD", "src", "9", "late");
            kv.Run("SELECT", "3");
            kv.Run("ZADD", "other", "7", "m");
            kv.Run("PEXPIRE", "other", "100000");
            await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);
            await log.DisposeAsync();
        }

        string text = Encoding.Latin1.GetString(File.ReadAllBytes(dir.LogPath));
        Assert.Contains("*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$2\r\n11\r\n$1\r\na\r\n", text); // ZINCRBY 10 on 1: "a is now 11"
        Assert.Contains("*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$3\r\n2.5\r\n$1\r\nb\r\n", text);
        Assert.Contains("*3\r\n$4\r\nZREM\r\n$1\r\nz\r\n$1\r\nc\r\n", text);

        using (var kv = Open(dir.Path, out var log))
        {
            await using var _ = log;
            Assert.Equal(RespCommandRunner.Array("d", "1.1000000000000001", "b", "2.5", "a", "11"), kv.Run("ZRANGE", "z", "0", "-1", "WITHSCORES"));
            Assert.Equal(":0\r\n", kv.Run("EXISTS", "gone"));
            Assert.Equal(RespCommandRunner.Array("d", "1.1000000000000001", "b", "2.5", "p", "10", "a", "11", "q", "12"), kv.Run("ZRANGE", "union", "0", "-1", "WITHSCORES"));
            Assert.Equal(RespCommandRunner.Array("p", "5"), kv.Run("ZRANGE", "stored", "0", "-1", "WITHSCORES"));
            Assert.Equal(RespCommandRunner.Array("p", "q"), kv.Run("ZRANGE", "copied", "0", "-1"));
            Assert.Equal(":0\r\n", kv.Run("EXISTS", "r", "r2"));
            kv.Run("SELECT", "4");
            Assert.Equal(RespCommandRunner.Array("x", "1", "y", "2"), kv.Run("ZRANGE", "r2", "0", "-1", "WITHSCORES"));
            kv.Run("SELECT", "3");
            Assert.Equal(RespCommandRunner.Bulk("7"), kv.Run("ZSCORE", "other", "m"));
            Assert.StartsWith(":", kv.Run("PTTL", "other"), StringComparison.Ordinal);
            Assert.NotEqual(":-1\r\n", kv.Run("PTTL", "other"));
        }
    }

    [Fact]
    public async Task RewriteUnderConcurrentZAddAndZIncrByLosesAndDoublesNothing()
    {
        using var dir = new TempDataDirectory();
        var kv = Open(dir.Path, out var log);
        // A skiplist and a listpack, big enough that the snapshot takes a while.
        kv.Run(["ZADD", "big", .. Enumerable.Range(0, 2_000).SelectMany(i => new[] { $"{i}", $"m{i}" })]);
        kv.Run("ZADD", "small", "0", "counter");

        // Each writer increments its own members and remembers the score each acknowledged reply gave.
        var acknowledged = new ConcurrentDictionary<string, string>();
        async Task WriteAsync(string prefix, int count)
        {
            using var client = new RespCommandRunner(kv.Database);
            for (int i = 0; i < count; i++)
            {
                string member = $"{prefix}{i % 10}";
                string reply = client.Run("ZINCRBY", "big", "1", member);
                client.Run("ZADD", "small", $"{i}", $"{prefix}-last");
                client.Run("ZINCRBY", "small", "1", "counter");
                if (i % 13 == 0)
                {
                    client.Run("ZREM", "big", $"m{i}");
                }

                await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None);
                acknowledged[member] = reply.Split("\r\n")[1];
            }
        }

        log.AfterSnapshotForTests = () => WriteAsync("between", 100).GetAwaiter().GetResult();
        var during = Task.Run(() => WriteAsync("during", 400));
        Assert.True(log.TryStartRewrite());
        Assert.True(await log.LastRewrite.WaitAsync(Timeout));
        await during.WaitAsync(Timeout);
        log.AfterSnapshotForTests = null;
        Assert.Equal(1, log.Rewrites);

        string bigBefore = kv.Run("ZRANGE", "big", "0", "-1", "WITHSCORES");
        string smallBefore = kv.Run("ZRANGE", "small", "0", "-1", "WITHSCORES");
        Assert.Equal(RespCommandRunner.Bulk("500"), kv.Run("ZSCORE", "small", "counter"));
        await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);
        await log.DisposeAsync();
        kv.Dispose();

        using var reopened = Open(dir.Path, out var second);
        await using var _ = second;
        Assert.Equal(bigBefore, reopened.Run("ZRANGE", "big", "0", "-1", "WITHSCORES"));
        Assert.Equal(smallBefore, reopened.Run("ZRANGE", "small", "0", "-1", "WITHSCORES"));
        // An increment applied twice on replay would show here as a larger score.
        Assert.Equal(RespCommandRunner.Bulk("500"), reopened.Run("ZSCORE", "small", "counter"));
        foreach (var (member, score) in acknowledged)
        {
            Assert.Equal(RespCommandRunner.Bulk(score), reopened.Run("ZSCORE", "big", member));
        }

        // Each writer's ten members were incremented from nothing, 100 / 10 and 400 / 10 times.
        Assert.Equal(20, acknowledged.Count);
        Assert.Equal(RespCommandRunner.Bulk("10"), reopened.Run("ZSCORE", "big", "between3"));
        Assert.Equal(RespCommandRunner.Bulk("40"), reopened.Run("ZSCORE", "big", "during7"));
    }
}
