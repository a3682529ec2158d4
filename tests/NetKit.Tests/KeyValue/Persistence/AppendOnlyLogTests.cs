using System.Text;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;

namespace NetKit.Tests.KeyValue.Persistence;

public class AppendOnlyLogTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RoundTripKeepsValuesAbsoluteExpiriesDeletesAndFlush()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        long expiry = store.NowMs + 3_600_000;
        long later = store.NowMs + 7_200_000;
        var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.EverySecond, store);

        store.Set("gone"u8, "before flush"u8);
        store.Clear();
        store.Set("plain"u8, "hello world"u8);
        store.Set("binary"u8, new byte[] { 0, 13, 10, 255, (byte)'$', (byte)'*' });
        store.Set("deleted"u8, "x"u8);
        store.Remove("deleted"u8);
        lock (store.WriteLock)
        {
            store.SetLocked("ttl"u8, "expires"u8, expiry);
            store.SetLocked("persisted"u8, "v"u8, expiry);
            store.ExpireAtLocked("persisted"u8, 0);
            store.SetLocked("moved"u8, "v"u8, 0);
            store.ExpireAtLocked("moved"u8, later);
        }

        await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);
        await log.DisposeAsync();

        string text = Encoding.Latin1.GetString(File.ReadAllBytes(dir.LogPath));
        Assert.StartsWith("*3\r\n$3\r\nSET\r\n$4\r\ngone\r\n$12\r\nbefore flush\r\n*1\r\n$7\r\nFLUSHDB\r\n", text);
        Assert.Contains($"*5\r\n$3\r\nSET\r\n$3\r\nttl\r\n$7\r\nexpires\r\n$4\r\nPXAT\r\n${expiry.ToString().Length}\r\n{expiry}\r\n", text);
        Assert.Contains("*2\r\n$3\r\nDEL\r\n$7\r\ndeleted\r\n", text);
        Assert.Contains("*2\r\n$7\r\nPERSIST\r\n$9\r\npersisted\r\n", text);
        Assert.Contains($"*3\r\n$9\r\nPEXPIREAT\r\n$5\r\nmoved\r\n${later.ToString().Length}\r\n{later}\r\n", text);

        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.EverySecond, reopened))
        {
            StoreAssert.SameData(store, reopened);
            Assert.False(reopened.ContainsKey("gone"u8));
            Assert.False(reopened.ContainsKey("deleted"u8));
            Assert.True(reopened.TryGet("ttl"u8, out _, out long ttl));
            Assert.Equal(expiry, ttl);
            Assert.Equal(0, reopened.GetExpiry("persisted"u8));
            Assert.Equal(later, reopened.GetExpiry("moved"u8));
            Assert.True(reopened.TryGet("binary"u8, out byte[] binary));
            Assert.Equal(new byte[] { 0, 13, 10, 255, (byte)'$', (byte)'*' }, binary);
        }
    }

    [Fact]
    public async Task ReplayDoesNotJournalAgain()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        await using (var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.No, store))
        {
            for (int i = 0; i < 100; i++)
            {
                store.Set(Encoding.ASCII.GetBytes($"k{i}"), "v"u8);
            }
        }

        long length = new FileInfo(dir.LogPath).Length;
        var reopened = new KeyValueStore();
        await using (var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.No, reopened))
        {
            Assert.Equal(100, reopened.Count);
            Assert.Equal(0, log.AppendedSequence);
            Assert.Same(log, reopened.Journal);
        }

        Assert.Equal(length, new FileInfo(dir.LogPath).Length);
    }

    [Fact]
    public async Task AlwaysCompletesOnlyOnceTheRecordIsInTheFileAndSynced()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        await using var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, store);

        byte[] expected = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"u8.ToArray();
        for (int round = 1; round <= 3; round++)
        {
            long fsyncsBefore = log.FsyncCount;
            store.Set("key"u8, Encoding.ASCII.GetBytes("value"));
            store.Set("key"u8, "value"u8); // same value: still journaled (an effect, not a diff)
            long sequence = log.AppendedSequence;
            await log.WaitDurableAsync(sequence, CancellationToken.None).AsTask().WaitAsync(Timeout);

            Assert.True(log.DurableSequence >= sequence);
            Assert.True(log.FsyncCount > fsyncsBefore);
            byte[] file = ReadShared(dir.LogPath);
            Assert.Equal(expected.Length * 2 * round, file.Length);
            Assert.True(file.AsSpan(file.Length - expected.Length).SequenceEqual(expected));
        }
    }

    [Theory]
    [InlineData(FsyncPolicy.EverySecond)]
    [InlineData(FsyncPolicy.No)]
    public async Task OtherPoliciesCompleteOnceWrittenToTheOs(FsyncPolicy policy)
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        await using var log = AppendOnlyLog.Open(dir.Path, policy, store);

        store.Set("a"u8, "1"u8);
        await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);

        // A killed process loses nothing acknowledged: it is in the file (the page cache), not our buffer.
        Assert.Equal("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"u8.ToArray(), ReadShared(dir.LogPath));
        Assert.Equal(policy.ToName(), log.InfoFields().Single(f => f.Key == "aof_fsync").Value);
    }

    [Fact]
    public async Task ConcurrentWritersShareFsyncs()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        const int Writers = 8;
        const int WritesEach = 500;
        var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, store);

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < WritesEach; i++)
            {
                long sequence;
                lock (store.WriteLock)
                {
                    store.SetLocked(Encoding.ASCII.GetBytes($"w{w}:{i}"), Encoding.ASCII.GetBytes($"value {i}"), 0);
                    sequence = log.AppendedSequence;
                }

                await log.WaitDurableAsync(sequence, CancellationToken.None);
                Assert.True(log.DurableSequence >= sequence);
            }
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(Timeout);

        long fsyncs = log.FsyncCount;
        await log.DisposeAsync();
        Assert.True(fsyncs < Writers * WritesEach, $"{fsyncs} fsyncs for {Writers * WritesEach} writes: no group commit");

        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, reopened))
        {
            Assert.Equal(Writers * WritesEach, reopened.Count);
            StoreAssert.SameData(store, reopened);
        }
    }

    [Fact]
    public async Task DisposeWritesWhatIsPending()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.No, store);
        for (int i = 0; i < 1000; i++)
        {
            store.Set(Encoding.ASCII.GetBytes($"k{i}"), Encoding.ASCII.GetBytes($"v{i}"));
        }

        long last = log.AppendedSequence;
        await log.DisposeAsync();

        await log.WaitDurableAsync(last, CancellationToken.None); // written before the close
        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.No, reopened))
        {
            StoreAssert.SameData(store, reopened);
        }
    }

    [Fact]
    public async Task WaitingAfterCloseForAnUnwrittenChangeFails()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, store);
        await log.DisposeAsync();

        store.Set("late"u8, "v"u8);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task ExpiredKeysAreNotResurrected()
    {
        using var dir = new TempDataDirectory();
        var time = new SettableClock(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var store = new KeyValueStore(time);
        long now = store.NowMs;
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, store))
        {
            lock (store.WriteLock)
            {
                store.SetLocked("short"u8, "v"u8, now + 1_000);
                store.SetLocked("was-plain"u8, "old"u8, 0);
                store.SetLocked("was-plain"u8, "new"u8, now + 1_000);
                store.SetLocked("expire-cmd"u8, "v"u8, 0);
                store.ExpireAtLocked("expire-cmd"u8, now + 1_000);
                store.SetLocked("long"u8, "v"u8, now + 100_000);
            }
        }

        time.Now = time.Now.AddSeconds(10);
        var reopened = new KeyValueStore(time);
        await using (var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, reopened))
        {
            Assert.Equal(1, reopened.Count);
            Assert.False(reopened.ContainsKey("short"u8));
            Assert.False(reopened.ContainsKey("was-plain"u8));
            Assert.False(reopened.ContainsKey("expire-cmd"u8));
            Assert.Equal(now + 100_000, reopened.GetExpiry("long"u8));

            // And a rewrite leaves them out of the file altogether.
            Assert.True(log.TryStartRewrite());
            Assert.True(await log.LastRewrite.WaitAsync(Timeout));
        }

        string text = File.ReadAllText(dir.LogPath, Encoding.Latin1);
        Assert.DoesNotContain("short", text);
        Assert.DoesNotContain("was-plain", text);
        Assert.Contains("long", text);
    }

    [Fact]
    public async Task RecordersWaitForAWriterThatIsBehindButNeverDeadlock()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        await using var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.No, store);
        log.MaxPendingBytes = 1; // every record is "too much": each one waits for the writer to take it

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < 250; i++)
            {
                store.Set(Encoding.ASCII.GetBytes($"w{w}:{i}"), "v"u8);
            }
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(Timeout);
        await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(1000, log.AppendedSequence);
    }

    [Fact]
    public void DirectoriesCanBeSyncedOnLinux()
    {
        using var dir = new TempDataDirectory();
        Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), DirectorySync.TrySync(dir.Path));
    }

    [Theory]
    [InlineData("always", FsyncPolicy.Always)]
    [InlineData("EVERYSEC", FsyncPolicy.EverySecond)]
    [InlineData(" no ", FsyncPolicy.No)]
    public void ParsesPolicyNames(string text, FsyncPolicy expected)
    {
        Assert.True(FsyncPolicyNames.TryParse(text, out var policy));
        Assert.Equal(expected, policy);
        Assert.Equal(expected, FsyncPolicyNames.Parse(text));
    }

    [Fact]
    public void RejectsUnknownPolicyNames()
    {
        Assert.False(FsyncPolicyNames.TryParse("sometimes", out _));
        Assert.False(FsyncPolicyNames.TryParse(null, out _));
        Assert.Throws<FormatException>(() => FsyncPolicyNames.Parse("everysecond"));
    }

    [Fact]
    public async Task InfoFieldsDescribeTheLog()
    {
        using var dir = new TempDataDirectory();
        var store = new KeyValueStore();
        await using var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, store);
        store.Set("a"u8, "1"u8);
        await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None);

        var info = log.InfoFields().ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal("1", info["aof_enabled"]);
        Assert.Equal("0", info["aof_rewrite_in_progress"]);
        Assert.Equal("ok", info["aof_last_write_status"]);
        Assert.Equal("ok", info["aof_last_bgrewrite_status"]);
        Assert.Equal("always", info["aof_fsync"]);
        Assert.Equal(new FileInfo(dir.LogPath).Length.ToString(), info["aof_current_size"]);
        Assert.Equal("0", info["aof_base_size"]);
        Assert.Equal("0", info["aof_rewrites"]);
    }

    internal static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
