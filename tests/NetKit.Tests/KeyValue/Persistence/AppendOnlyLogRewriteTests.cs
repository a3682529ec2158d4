using System.Collections.Concurrent;
using System.Text;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;

namespace NetKit.Tests.KeyValue.Persistence;

public class AppendOnlyLogRewriteTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(FsyncPolicy.Always)]
    [InlineData(FsyncPolicy.EverySecond)] // waiting writers write batches themselves, beside the writer thread
    public async Task RewriteCompactsWithoutLosingConcurrentWrites(FsyncPolicy policy)
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        var log = AppendOnlyLog.Open(dir.Path, policy, store);
        log.AutoRewritePercentage = 0;

        // Many overwrites of few keys: the log is much bigger than the data.
        for (int i = 0; i < 5_000; i++)
        {
            store.Set(Encoding.ASCII.GetBytes($"k{i % 10}"), Encoding.ASCII.GetBytes($"value {i}"));
        }

        await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);
        long before = log.CurrentSize;

        // What each writer last had acknowledged: it must all be there after a restart.
        var acknowledged = new ConcurrentDictionary<string, string>();
        async Task WriteAsync(string prefix, int count)
        {
            for (int i = 0; i < count; i++)
            {
                string key = $"{prefix}{i % 20}";
                string value = $"{prefix} {i}";
                long sequence;
                lock (store.WriteLock)
                {
                    store.SetLocked(Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(value), 0);
                    if (i % 7 == 0)
                    {
                        store.RemoveLocked(Encoding.ASCII.GetBytes($"k{i % 10}"));
                    }

                    sequence = log.AppendedSequence;
                }

                await log.WaitDurableAsync(sequence, CancellationToken.None);
                acknowledged[key] = value;
            }
        }

        // Writes exactly between the snapshot and the hand-over, and others all along.
        log.AfterSnapshotForTests = () => WriteAsync("between", 200).GetAwaiter().GetResult();
        var during = Task.Run(() => WriteAsync("during", 1_000));
        Assert.True(log.TryStartRewrite());
        Assert.False(log.TryStartRewrite()); // one at a time
        Assert.True(await log.LastRewrite.WaitAsync(Timeout));
        await during.WaitAsync(Timeout);
        log.AfterSnapshotForTests = null;
        Assert.Equal(1, log.Rewrites);

        // Once more with nothing going on, to see the compaction itself.
        Assert.True(log.TryStartRewrite());
        Assert.True(await log.LastRewrite.WaitAsync(Timeout));
        long after = log.CurrentSize;
        Assert.True(after < before / 10, $"rewritten log is {after} bytes, was {before}");
        Assert.Equal(after, log.BaseSize);
        Assert.Equal(after, new FileInfo(dir.LogPath).Length);
        Assert.False(File.Exists(Path.Combine(dir.Path, AppendOnlyLog.RewriteFileName)));

        store.Set("final"u8, "write"u8);
        await log.DisposeAsync();

        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, reopened))
        {
            StoreAssert.SameData(store, reopened);
            foreach (var (key, value) in acknowledged)
            {
                Assert.True(reopened.TryGet(Encoding.ASCII.GetBytes(key), out byte[] stored), $"{key} lost");
                Assert.Equal(value, Encoding.ASCII.GetString(stored));
            }
        }
    }

    [Fact]
    public async Task GrowthStartsRewritesByItself()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.EverySecond, store);
        log.AutoRewriteMinSize = 4 * 1024;
        log.AutoRewritePercentage = 100;

        for (int i = 0; i < 20_000 && log.Rewrites == 0; i++)
        {
            store.Set(Encoding.ASCII.GetBytes($"k{i % 5}"), Encoding.ASCII.GetBytes($"value {i}"));
            await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None);
            if (log.IsRewriteInProgress)
            {
                Assert.True(await log.LastRewrite.WaitAsync(Timeout));
            }
        }

        Assert.True(log.Rewrites >= 1);
        var info = log.InfoFields().ToDictionary(f => f.Key, f => f.Value);
        Assert.NotEqual("0", info["aof_rewrites"]);
        Assert.Equal("ok", info["aof_last_bgrewrite_status"]);
        await log.LastRewrite.WaitAsync(Timeout);
        await log.DisposeAsync();

        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.EverySecond, reopened))
        {
            StoreAssert.SameData(store, reopened);
        }
    }

    [Fact]
    public async Task CloseDuringARewriteKeepsEverything()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.No, store);
        log.AutoRewritePercentage = 0;
        for (int i = 0; i < 20_000; i++)
        {
            store.Set(Encoding.ASCII.GetBytes($"k{i}"), Encoding.ASCII.GetBytes($"value {i}"));
        }

        Assert.True(log.TryStartRewrite());
        store.Set("during"u8, "rewrite"u8);
        await log.DisposeAsync();
        Assert.False(File.Exists(Path.Combine(dir.Path, AppendOnlyLog.RewriteFileName)));

        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.No, reopened))
        {
            StoreAssert.SameData(store, reopened);
        }
    }
}
