using System.Text;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;

namespace NetKit.Tests.KeyValue.Persistence;

public class AppendOnlyLogDatabaseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static async Task RunAsync(string directory, params string[][] commands)
    {
        var database = new KeyValueDatabase();
        var log = AppendOnlyLog.Open(directory, FsyncPolicy.Always, database.Store);
        database.AttachLog(log);
        using (var kv = new RespCommandRunner(database))
        {
            foreach (var command in commands)
            {
                kv.Run(command);
            }
        }

        await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);
        await log.DisposeAsync();
    }

    private static RespCommandRunner Reopen(string directory, out AppendOnlyLog log)
    {
        var database = new KeyValueDatabase();
        log = AppendOnlyLog.Open(directory, FsyncPolicy.Always, database.Store);
        database.AttachLog(log);
        return new RespCommandRunner(database);
    }

    [Fact]
    public async Task DatabasesHashesAndTransactionsReplay()
    {
        using var dir = new TempDataDirectory();
        await RunAsync(dir.Path,
            ["SET", "zero", "0"],
            ["SELECT", "4"],
            ["HSET", "h", "a", "1", "b", "2"],
            ["HDEL", "h", "a"],
            ["HSET", "gone", "f", "v"],
            ["HDEL", "gone", "f"],
            ["MULTI"], ["SET", "t1", "x"], ["SELECT", "5"], ["SET", "t2", "y"], ["EXEC"],
            ["SET", "five", "5"],
            ["SELECT", "0"],
            ["MOVE", "zero", "7"]);
        string text = Encoding.Latin1.GetString(File.ReadAllBytes(dir.LogPath));
        Assert.StartsWith("*3\r\n$3\r\nSET\r\n$4\r\nzero\r\n", text);
        Assert.Contains("*2\r\n$6\r\nSELECT\r\n$1\r\n4\r\n", text);
        Assert.Contains("*1\r\n$5\r\nMULTI\r\n", text);
        Assert.Contains("*1\r\n$4\r\nEXEC\r\n", text);

        using (var kv = Reopen(dir.Path, out var log))
        {
            await using var _ = log;
            Assert.Equal(":0\r\n", kv.Run("DBSIZE"));
            kv.Run("SELECT", "4");
            Assert.Equal(RespCommandRunner.Array("b", "2"), kv.Run("HGETALL", "h"));
            Assert.Equal(":0\r\n", kv.Run("EXISTS", "gone"));
            Assert.Equal(RespCommandRunner.Bulk("x"), kv.Run("GET", "t1"));
            kv.Run("SELECT", "5");
            Assert.Equal(RespCommandRunner.Bulk("y"), kv.Run("GET", "t2"));
            Assert.Equal(RespCommandRunner.Bulk("5"), kv.Run("GET", "five"));
            kv.Run("SELECT", "7");
            Assert.Equal(RespCommandRunner.Bulk("0"), kv.Run("GET", "zero"));

            // Appended after a replay that ended in database 5, a write to database 7 says so.
            kv.Run("SET", "after", "reopen");
            Assert.True(log.TryStartRewrite());
            Assert.True(await log.LastRewrite.WaitAsync(Timeout));
            kv.Run("SET", "after rewrite", "1");
            await log.WaitDurableAsync(log.AppendedSequence, CancellationToken.None).AsTask().WaitAsync(Timeout);
        }

        using (var kv = Reopen(dir.Path, out var log))
        {
            await using var _ = log;
            kv.Run("SELECT", "7");
            Assert.Equal(RespCommandRunner.Bulk("reopen"), kv.Run("GET", "after"));
            Assert.Equal(RespCommandRunner.Bulk("1"), kv.Run("GET", "after rewrite"));
            kv.Run("SELECT", "4");
            Assert.Equal(RespCommandRunner.Bulk("2"), kv.Run("HGET", "h", "b"));
        }
    }

    [Fact]
    public async Task ATransactionCutByACrashIsNotHalfApplied()
    {
        using var dir = new TempDataDirectory();
        await RunAsync(dir.Path, ["SET", "before", "1"], ["MULTI"], ["SET", "a", "1"], ["SET", "b", "1"], ["EXEC"]);
        byte[] file = File.ReadAllBytes(dir.LogPath);
        int exec = file.AsSpan().LastIndexOf("*1\r\n$4\r\nEXEC\r\n"u8);
        int multi = file.AsSpan().IndexOf("*1\r\n$5\r\nMULTI\r\n"u8);
        File.WriteAllBytes(dir.LogPath, file[..exec]);

        using var kv = Reopen(dir.Path, out var log);
        await using var _ = log;
        Assert.Equal(RespCommandRunner.Bulk("1"), kv.Run("GET", "before"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "a", "b"));
        Assert.Equal(multi, new FileInfo(dir.LogPath).Length);
    }
}
