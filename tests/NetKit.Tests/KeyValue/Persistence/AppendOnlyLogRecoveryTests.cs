using System.Text;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;

namespace NetKit.Tests.KeyValue.Persistence;

public class AppendOnlyLogRecoveryTests
{
    private static async Task WriteKeysAsync(string directory, params string[] keys)
    {
        var store = new KeyValueStore();
        await using var log = AppendOnlyLog.Open(directory, FsyncPolicy.Always, store);
        foreach (string key in keys)
        {
            store.Set(Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes("value of " + key));
        }
    }

    private static long OffsetOfSet(string path, string key)
    {
        byte[] file = File.ReadAllBytes(path);
        byte[] record = Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n");
        int at = file.AsSpan().IndexOf(record);
        Assert.True(at > 0);
        return at;
    }

    [Theory]
    [InlineData("*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$10\r\nhalf")]
    [InlineData("*3\r\n$3\r\nSE")]
    [InlineData("*")]
    [InlineData("*3\r")]
    [InlineData("*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$1\r\nx\r")]
    [InlineData("*3\r\n$3\r\nSET\r\n$4\r\ntorn\0\0\0\0\0\0\0\0\0\0\0\0")]
    public async Task TornFinalRecordIsCutOffWithAWarning(string tail)
    {
        using var dir = new TempDataDirectory();
        await WriteKeysAsync(dir.Path, "a", "b");
        long intact = new FileInfo(dir.LogPath).Length;
        await using (var file = new FileStream(dir.LogPath, FileMode.Append))
        {
            file.Write(Encoding.Latin1.GetBytes(tail));
        }

        var logger = new RecordingLogger();
        var store = new KeyValueStore();
        await using (var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, store, repair: false, logger))
        {
            Assert.Equal(intact, new FileInfo(dir.LogPath).Length);
            Assert.Contains(logger.Warnings, w => w.Contains($"torn record at byte {intact}"));
            Assert.Equal(2, store.Count);
            Assert.False(store.ContainsKey("torn"u8));

            // Appending goes on from the cut, so the log stays readable.
            store.Set("c"u8, "after"u8);
            await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None);
        }

        var reopened = new KeyValueStore();
        var quiet = new RecordingLogger();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, reopened, repair: false, quiet))
        {
            Assert.Equal(3, reopened.Count);
            Assert.Empty(quiet.Warnings);
        }
    }

    [Theory]
    [InlineData(0, (byte)'X', "expected '*'")]
    [InlineData(4, (byte)'#', "expected '$'")]
    [InlineData(5, (byte)'9', "not followed by CRLF")]
    [InlineData(8, (byte)'Z', "unknown command 'ZET'")]
    public async Task DamageBeforeTheEndStopsTheStartNamingTheOffset(int offsetInRecord, byte replacement, string problem)
    {
        using var dir = new TempDataDirectory();
        await WriteKeysAsync(dir.Path, "a", "b", "c");
        long damaged = OffsetOfSet(dir.LogPath, "b");
        byte[] file = File.ReadAllBytes(dir.LogPath);
        file[damaged + offsetInRecord] = replacement;
        File.WriteAllBytes(dir.LogPath, file);

        var store = new KeyValueStore();
        var error = Assert.Throws<AppendOnlyLogCorruptException>(() => AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, store));
        Assert.Equal(damaged, error.Offset);
        Assert.Contains($"appendonly.aof is damaged at byte {damaged}", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Contains("--repair-log", error.Message);
        Assert.Equal(file.Length, new FileInfo(dir.LogPath).Length); // left alone
    }

    [Fact]
    public async Task RepairTruncatesAtTheDamageAndStarts()
    {
        using var dir = new TempDataDirectory();
        await WriteKeysAsync(dir.Path, "a", "b", "c");
        long damaged = OffsetOfSet(dir.LogPath, "b");
        byte[] file = File.ReadAllBytes(dir.LogPath);
        file[damaged + 1] = (byte)'x';
        File.WriteAllBytes(dir.LogPath, file);

        var logger = new RecordingLogger();
        var store = new KeyValueStore();
        await using (var log = AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, store, repair: true, logger))
        {
            Assert.Equal(damaged, new FileInfo(dir.LogPath).Length);
            Assert.Contains(logger.Warnings, w => w.Contains($"damaged at byte {damaged}") && w.Contains("truncated"));
            Assert.True(store.ContainsKey("a"u8));
            Assert.False(store.ContainsKey("b"u8));
            Assert.False(store.ContainsKey("c"u8));
            store.Set("d"u8, "new"u8);
        }

        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.Always, reopened))
        {
            Assert.Equal(2, reopened.Count);
            Assert.True(reopened.ContainsKey("d"u8));
        }
    }

    [Fact]
    public async Task ReadsRecordsLargerThanTheReadBuffer()
    {
        using var dir = new TempDataDirectory();
        byte[] big = new byte[3 * 1024 * 1024 + 7];
        new Random(42).NextBytes(big);
        var store = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.No, store))
        {
            store.Set("small"u8, "1"u8);
            store.Set("big"u8, big);
            store.Set("after"u8, "2"u8);
        }

        var reopened = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.No, reopened))
        {
            Assert.True(reopened.TryGet("big"u8, out byte[] value));
            Assert.Equal(big, value);
            Assert.Equal(3, reopened.Count);
        }
    }

    [Fact]
    public async Task AcceptsWhatRedisWritesInItsAof()
    {
        using var dir = new TempDataDirectory();
        File.WriteAllText(dir.LogPath,
            "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n*3\r\n$3\r\nSET\r\n$1\r\nj\r\n$1\r\nw\r\n*2\r\n$3\r\ndel\r\n$1\r\nj\r\n",
            Encoding.ASCII);
        var store = new KeyValueStore();
        await using (AppendOnlyLog.Open(dir.Path, FsyncPolicy.No, store))
        {
            Assert.Equal(1, store.Count);
            Assert.True(store.TryGet("k"u8, out byte[] value));
            Assert.Equal("v"u8.ToArray(), value);
        }
    }
}
