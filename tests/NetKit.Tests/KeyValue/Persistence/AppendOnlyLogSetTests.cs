using System.Collections.Concurrent;
using System.Text;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;
using NetKit.Tests.KeyValue.Server;

namespace NetKit.Tests.KeyValue.Persistence;

/// <summary>Sets in the append-only log: recorded as SADD/SREM (SPOP as what it popped), replayed, rewritten.</summary>
public class AppendOnlyLogSetTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static (KeyValueDatabase Database, AppendOnlyLog Log) Open(string directory)
    {
        var database = new KeyValueDatabase();
        var log = AppendOnlyLog.Open(directory, FsyncPolicy.Always, database.Store);
        database.AttachLog(log);
        return (database, log);
    }

    private static Dictionary<string, (string Encoding, string[] Members)> Sets(RespSession session, params string[] keys) =>
        keys.ToDictionary(key => key, key => (
            session.Call("OBJECT", "ENCODING", key).Text ?? "none",
            session.Call("SMEMBERS", key).Items!.Select(m => m.Text!).Order(StringComparer.Ordinal).ToArray()));

    [Fact]
    public async Task SetsReplayAsTheyWereAndSpopIsLoggedAsSrem()
    {
        using var dir = new TempDataDirectory();
        string[] keys = ["ints", "text", "moved", "stored", "popped", "gone"];
        Dictionary<string, (string, string[])> before;
        var (database, log) = Open(dir.Path);
        using (var session = new RespSession(database))
        {
            session.Call(["SADD", "ints", .. Enumerable.Range(0, 20).Select(i => $"{i}")]);
            session.Call("SREM", "ints", "0", "19");
            session.Call("SADD", "text", "a", "b", "c", "1");
            session.Call("SMOVE", "text", "moved", "a");
            session.Call("SINTERSTORE", "stored", "ints", "text");
            session.Call(["SADD", "popped", .. Enumerable.Range(0, 30).Select(i => $"p{i}")]);
            session.Call("SPOP", "popped", "10");
            session.Call("SPOP", "popped");
            session.Call("SADD", "gone", "x", "y");
            session.Call("SPOP", "gone", "5");
            session.Call("EXPIRE", "text", "1000");
            session.Call("SELECT", "2");
            session.Call("SADD", "ints", "7");
            session.Call("SELECT", "0");
            before = Sets(session, keys);
        }

        await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);
        await log.DisposeAsync();
        string text = Encoding.Latin1.GetString(File.ReadAllBytes(dir.LogPath));
        Assert.DoesNotContain("SPOP", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("*3\r\n$4\r\nSREM\r\n$6\r\npopped\r\n", text);
        Assert.Contains("*2\r\n$3\r\nDEL\r\n$4\r\ngone\r\n", text);
        Assert.Equal("intset", before["ints"].Item1);
        Assert.Equal(Enumerable.Range(1, 18).Select(i => $"{i}").Order(StringComparer.Ordinal), before["ints"].Item2);
        Assert.Equal("hashtable", before["moved"].Item1);
        Assert.Equal(19, before["popped"].Item2.Length);

        for (int round = 0; round < 2; round++)
        {
            // Once as recorded, once after a rewrite of the replayed data.
            (database, log) = Open(dir.Path);
            using (var session = new RespSession(database))
            {
                var after = Sets(session, keys);
                foreach (string key in keys)
                {
                    Assert.Equal(before[key].Item1, after[key].Encoding);
                    Assert.Equal(before[key].Item2, after[key].Members);
                }

                Assert.InRange(session.Call("TTL", "text").Integer, 1, 1000);
                session.Call("SELECT", "2");
                Assert.Equal(1, session.Call("SISMEMBER", "ints", "7").Integer);
                if (round == 0)
                {
                    Assert.True(log.TryStartRewrite());
                    Assert.True(await log.LastRewrite.WaitAsync(Timeout));
                }
            }

            await log.DisposeAsync();
        }
    }

    [Fact]
    public async Task ARewriteUnderConcurrentSaddAndSremLosesNothing()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.EverySecond, store);
        log.AutoRewritePercentage = 0;
        lock (store.WriteLock)
        {
            for (int k = 0; k < 20; k++)
            {
                byte[] key = Encoding.ASCII.GetBytes($"s{k}");
                var set = store.GetOrAddSetLocked(key);
                for (int m = 0; m < 300; m++)
                {
                    store.SetAddLocked(key, set, Encoding.ASCII.GetBytes(k % 2 == 0 ? $"{m}" : $"m{m}"));
                }
            }
        }

        // Each writer owns its keys, so the last acknowledged change of a member is what it must be after a restart.
        var acknowledged = new ConcurrentDictionary<(string Key, string Member), bool>();
        async Task WriteAsync(int writer, int count)
        {
            var random = new Random(writer);
            for (int i = 0; i < count; i++)
            {
                string key = $"s{(writer * 5) + random.Next(5)}";
                string member = random.Next(3) == 0 ? $"new{random.Next(50)}" : $"{random.Next(300)}";
                bool add = random.Next(2) == 0;
                long sequence;
                lock (store.WriteLock)
                {
                    byte[] keyBytes = Encoding.ASCII.GetBytes(key);
                    if (add)
                    {
                        store.SetAddLocked(keyBytes, store.GetOrAddSetLocked(keyBytes), Encoding.ASCII.GetBytes(member));
                    }
                    else if (store.TryGetSet(keyBytes, out SetValue set))
                    {
                        store.SetRemoveLocked(keyBytes, set, Encoding.ASCII.GetBytes(member));
                    }

                    sequence = log.AppendedSequence;
                }

                await log.WaitDurableAsync(sequence, CancellationToken.None);
                acknowledged[(key, member)] = add;
            }
        }

        log.AfterSnapshotForTests = () => WriteAsync(0, 300).GetAwaiter().GetResult();
        var during = Task.WhenAll(Task.Run(() => WriteAsync(1, 1_500)), Task.Run(() => WriteAsync(2, 1_500)));
        Assert.True(log.TryStartRewrite());
        Assert.True(await log.LastRewrite.WaitAsync(Timeout));
        await during.WaitAsync(Timeout);
        log.AfterSnapshotForTests = null;
        Assert.Equal(1, log.Rewrites);
        await log.DisposeAsync();

        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, reopened))
        {
            foreach (var ((key, member), present) in acknowledged)
            {
                bool found = reopened.TryGetSet(Encoding.ASCII.GetBytes(key), out SetValue set) && set.Contains(Encoding.ASCII.GetBytes(member));
                Assert.True(present == found, $"{key} {member}: acknowledged {(present ? "added" : "removed")}");
            }

            for (int k = 0; k < 20; k++)
            {
                byte[] key = Encoding.ASCII.GetBytes($"s{k}");
                lock (store.WriteLock)
                {
                    Assert.True(store.TryGetSet(key, out SetValue expected));
                    Assert.True(reopened.TryGetSet(key, out SetValue actual));
                    Assert.Equal(expected.Members.Select(Convert.ToHexString).Order(), actual.Members.Select(Convert.ToHexString).Order());
                    Assert.Equal(expected.Encoding, actual.Encoding);
                }
            }
        }
    }
}
