using System.Text;
using Microsoft.Extensions.Time.Testing;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;

namespace NetKit.Tests.KeyValue.Persistence;

/// <summary>
/// SAVE, BGSAVE and LASTSAVE over the append-only log: a save is a log rewrite, SAVE answers once it is on disk,
/// LASTSAVE moves when one succeeds (a fake clock shows it), INFO's rdb fields follow; in memory only both saves
/// are refused in one line; SAVE is refused inside MULTI as Redis refuses it.
/// </summary>
public class SaveCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    private (RespCommandRunner Client, AppendOnlyLog Log) Open(string directory)
    {
        var database = new KeyValueDatabase(new KeyValueOptions(), new KeyValueStore(_time));
        var log = AppendOnlyLog.Open(directory, FsyncPolicy.Always, database.Store);
        database.AttachLog(log);
        return (new RespCommandRunner(database), log);
    }

    private static string Info(RespCommandRunner client, string field)
    {
        string info = client.Run("INFO", "persistence");
        int at = info.IndexOf(field + ":", StringComparison.Ordinal);
        Assert.True(at >= 0, info);
        int end = info.IndexOf("\r\n", at, StringComparison.Ordinal);
        return info[(at + field.Length + 1)..end];
    }

    [Fact]
    public async Task Save_RewritesTheLog_ThenLastSaveMoves()
    {
        using var dir = new TempDataDirectory();
        var (client, log) = Open(dir.Path);
        await using (log)
        using (client)
        {
            Assert.Equal(":1700000000\r\n", client.Run("LASTSAVE"));
            client.Run("SET", "k", "1");
            client.Run("INCR", "k");
            client.Run("INCR", "k");
            Assert.Equal("3", Info(client, "rdb_changes_since_last_save"));
            _time.Advance(TimeSpan.FromSeconds(5));
            await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);

            Assert.Equal("+OK\r\n", client.Run("SAVE"));

            Assert.Equal(":1700000005\r\n", client.Run("LASTSAVE"));
            Assert.Equal("0", Info(client, "rdb_changes_since_last_save"));
            Assert.Equal("1700000005", Info(client, "rdb_last_save_time"));
            Assert.Equal("ok", Info(client, "rdb_last_bgsave_status"));
            // Compacted: the three changes are now the one key's value.
            Assert.Equal("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n3\r\n", Encoding.Latin1.GetString(File.ReadAllBytes(dir.LogPath)));
            client.Run("SET", "j", "1");
            Assert.Equal("1", Info(client, "rdb_changes_since_last_save"));
        }
    }

    [Fact]
    public async Task BgSave_StartsARewrite_OnceAtATime()
    {
        using var dir = new TempDataDirectory();
        var (client, log) = Open(dir.Path);
        await using (log)
        using (client)
        {
            client.Run("SET", "k", "v");
            var snapshotReached = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            log.AfterSnapshotForTests = () =>
            {
                snapshotReached.Set();
                release.Wait(Timeout);
            };
            _time.Advance(TimeSpan.FromSeconds(7));

            Assert.Equal("+Background saving started\r\n", client.Run("BGSAVE"));
            Assert.True(snapshotReached.Wait(Timeout));
            Assert.Equal("1", Info(client, "rdb_bgsave_in_progress"));
            Assert.Equal("-ERR Background save already in progress\r\n", client.Run("BGSAVE"));
            Assert.Equal("+Background saving scheduled\r\n", client.Run("BGSAVE", "SCHEDULE"));
            Assert.Equal(":1700000000\r\n", client.Run("LASTSAVE"));

            release.Set();
            Assert.True(await log.LastRewrite.WaitAsync(Timeout));
            Assert.Equal(":1700000007\r\n", client.Run("LASTSAVE"));
            Assert.Equal("0", Info(client, "rdb_bgsave_in_progress"));
            Assert.Equal("-ERR syntax error\r\n", client.Run("BGSAVE", "NOW"));
        }
    }

    [Fact]
    public void InMemory_SavesAreRefused_AndLastSaveIsTheStart()
    {
        using var client = new RespCommandRunner(_time);
        const string refused = "-ERR Saving is not possible: the data is in memory only (no --data-dir)\r\n";

        Assert.Equal(refused, client.Run("SAVE"));
        Assert.Equal(refused, client.Run("BGSAVE"));
        Assert.Equal(refused, client.Run("BGSAVE", "SCHEDULE"));
        Assert.Equal(":1700000000\r\n", client.Run("LASTSAVE"));
        Assert.Equal("0", Info(client, "rdb_bgsave_in_progress"));
        Assert.Equal("1700000000", Info(client, "rdb_last_save_time"));
    }

    [Fact]
    public void SaveInsideMulti_IsRefused_AndTheTransactionAborted()
    {
        using var client = new RespCommandRunner();
        client.Run("MULTI");
        Assert.Equal("+QUEUED\r\n", client.Run("SET", "foo", "bar"));

        Assert.Equal("-ERR Command not allowed inside a transaction\r\n", client.Run("SAVE"));
        Assert.StartsWith("-EXECABORT", client.Run("EXEC"), StringComparison.Ordinal);
        Assert.Equal("$-1\r\n", client.Run("GET", "foo"));
    }
}
