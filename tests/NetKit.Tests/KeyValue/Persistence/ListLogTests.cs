using System.Text;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;

namespace NetKit.Tests.KeyValue.Persistence;

/// <summary>
/// Lists in the append-only log: every change replays to the same list, in any database, with its expiry;
/// and a rewrite while pushes, pops and other changes go on loses nothing and duplicates nothing — a list
/// change is not idempotent, so the snapshot must hold each list as it was when the rewrite started.
/// </summary>
public class ListLogTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static Dictionary<string, string[]> Lists(KeyValueStore store)
    {
        var lists = new Dictionary<string, string[]>();
        lock (store.WriteLock)
        {
            foreach (var (key, value, _) in store.Entries())
            {
                if (value is ListValue list)
                {
                    lists[Encoding.UTF8.GetString(key)] = [.. list.ToArray().Select(Encoding.UTF8.GetString)];
                }
            }
        }

        return lists;
    }

    private static void SameLists(KeyValueStore expected, KeyValueStore actual)
    {
        var want = Lists(expected);
        var got = Lists(actual);
        Assert.Equal(want.Keys.Order(), got.Keys.Order());
        foreach (var (key, elements) in want)
        {
            Assert.Equal(elements, got[key]);
        }
    }

    [Fact]
    public async Task EveryListChange_Replays()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        await using (var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, store))
        {
            using var kv = new RespCommandRunner(store);
            kv.Run("RPUSH", "l", "a", "b", "c", "d", "e");
            kv.Run("LPUSH", "l", "z");
            kv.Run("LPOP", "l", "2");
            kv.Run("RPOP", "l");
            kv.Run("LSET", "l", "-1", "D");
            kv.Run("LINSERT", "l", "BEFORE", "c", "bc");
            kv.Run("RPUSH", "l", "c", "c");
            kv.Run("LREM", "l", "-1", "c");
            kv.Run("LTRIM", "l", "0", "-2");
            kv.Run("LMOVE", "l", "other", "LEFT", "RIGHT");
            kv.Run("RPUSH", "gone", "x");
            kv.Run("LPOP", "gone");
            kv.Run("RPUSH", "ttl", "x");
            kv.Run("EXPIRE", "ttl", "1000");
            kv.Run("SELECT", "3");
            kv.Run("RPUSH", "l", "in", "three");
            kv.Run("SELECT", "0");
            kv.Run("RPUSH", "sorted", "2", "1");
            kv.Run("SORT", "sorted", "STORE", "sorted");
            await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);
        }

        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, reopened))
        {
            SameLists(store, reopened);
            SameLists(store.Databases[3], reopened.Databases[3]);
            Assert.Equal(["bc", "c", "D"], Lists(reopened)["l"]);
            Assert.Equal(["1", "2"], Lists(reopened)["sorted"]);
            Assert.False(reopened.ContainsKey(B("gone")));
            Assert.True(reopened.TryGetValue(B("ttl"), out _, out long expiresAtMs));
            Assert.True(expiresAtMs > 0);
        }
    }

    [Theory]
    [InlineData(FsyncPolicy.Always)]
    [InlineData(FsyncPolicy.EverySecond)]
    public async Task ARewrite_UnderConcurrentListChanges_LosesAndDuplicatesNothing(FsyncPolicy policy)
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        var log = AppendOnlyLog.Open(dir.Path, policy, store);
        log.AutoRewritePercentage = 0;
        for (int i = 0; i < 2_000; i++)
        {
            lock (store.WriteLock)
            {
                var key = B($"l{i % 20}");
                store.ListPushLocked(key, store.GetOrAddListLocked(key), head: i % 2 == 0, B($"seed {i}"));
            }
        }

        await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);

        // Each writer pushes numbered elements and now and then pops, trims or moves; what it was told is
        // durable must come back exactly once.
        void Change(string prefix, int i)
        {
            lock (store.WriteLock)
            {
                var key = B($"l{i % 20}");
                var list = store.GetOrAddListLocked(key);
                store.ListPushLocked(key, list, head: i % 3 == 0, B($"{prefix} {i}"));
                switch (i % 11)
                {
                    case 0:
                        store.ListPopOneLocked(key, list, head: false);
                        break;
                    case 4:
                        store.ListRemoveLocked(key, list, 1, B($"seed {i}"));
                        break;
                    case 7:
                        var other = B($"l{(i + 1) % 20}");
                        store.ListPushLocked(other, store.GetOrAddListLocked(other), head: true, store.ListPopOneLocked(key, list, head: true));
                        break;
                    case 9:
                        store.ListTrimLocked(key, list, 1, list.Count - 1);
                        break;
                }
            }
        }

        async Task WriteAsync(string prefix, int count)
        {
            for (int i = 0; i < count; i++)
            {
                Change(prefix, i);
                await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None);
            }
        }

        log.AfterSnapshotForTests = () => WriteAsync("between", 200).GetAwaiter().GetResult();
        var during = Task.Run(() => WriteAsync("during", 1_500));
        Assert.True(log.TryStartRewrite());
        Assert.True(await log.LastRewrite.WaitAsync(Timeout));
        await during.WaitAsync(Timeout);
        log.AfterSnapshotForTests = null;
        Assert.Equal(1, log.Rewrites);
        await log.DisposeAsync();

        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, reopened))
        {
            SameLists(store, reopened);
            int elements = Lists(reopened).Values.Sum(list => list.Length);
            Assert.Equal(Lists(store).Values.Sum(list => list.Length), elements);
        }
    }
}
