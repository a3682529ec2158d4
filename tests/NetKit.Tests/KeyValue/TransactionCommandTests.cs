using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

public class TransactionCommandTests
{
    private const string Ok = "+OK\r\n";
    private const string Queued = "+QUEUED\r\n";

    [Fact]
    public void QueuedCommandsRunAtExecWithTheirOwnErrors()
    {
        using var kv = new RespCommandRunner();
        using var other = new RespCommandRunner(kv.Database);
        Assert.Equal(Ok, kv.Run("MULTI"));
        Assert.Equal("-ERR MULTI calls can not be nested\r\n", kv.Run("MULTI"));
        Assert.Equal(Queued, kv.Run("SET", "a", "1"));
        Assert.Equal(Queued, kv.Run("HSET", "a", "f", "v"));
        Assert.Equal(Queued, kv.Run("INCR", "a"));
        Assert.Contains(" flags=x db=0 sub=0 psub=0 ssub=0 multi=3 ", other.Run("CLIENT", "LIST"));
        Assert.Equal("*3\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:2\r\n", kv.Run("EXEC"));
        Assert.Equal("-ERR EXEC without MULTI\r\n", kv.Run("EXEC"));
        Assert.Equal("-ERR DISCARD without MULTI\r\n", kv.Run("DISCARD"));
    }

    [Fact]
    public void ExecOfAWriteOverMaxMemoryIsAbortedAndDiscarded()
    {
        // Redis's multi.tcl "EXEC with at least one use-memory command should fail": the limit is set by
        // another client after the commands were queued.
        using var kv = new RespCommandRunner();
        using var admin = new RespCommandRunner(kv.Database);
        kv.Run("SET", "existing", "value");
        kv.Run("MULTI");
        Assert.Equal(Queued, kv.Run("SET", "x", "1"));
        Assert.Equal(Queued, kv.Run("GET", "x"));
        admin.Run("CONFIG", "SET", "maxmemory", "1");
        Assert.Equal("-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n", kv.Run("EXEC"));
        Assert.Equal("-ERR EXEC without MULTI\r\n", kv.Run("EXEC"));

        // Over the limit, anything queued is refused, reads included, and EXEC then fails; reads outside MULTI go on.
        Assert.Equal(Ok, kv.Run("MULTI"));
        Assert.Equal("-OOM command not allowed when used memory > 'maxmemory'.\r\n", kv.Run("GET", "existing"));
        Assert.Equal("-OOM command not allowed when used memory > 'maxmemory'.\r\n", kv.Run("PING"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.\r\n", kv.Run("EXEC"));
        Assert.Equal(Bulk("value"), kv.Run("GET", "existing"));
        admin.Run("CONFIG", "SET", "maxmemory", "0");
        Assert.Equal("$-1\r\n", kv.Run("GET", "x"));
    }

    [Fact]
    public void ShutdownIsNotAllowedInsideATransaction()
    {
        using var kv = new RespCommandRunner();
        kv.Run("MULTI");
        Assert.Equal(Queued, kv.Run("SET", "foo", "bar"));
        Assert.Equal("-ERR Command not allowed inside a transaction\r\n", kv.Run("SHUTDOWN"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.\r\n", kv.Run("EXEC"));
        Assert.Equal("$-1\r\n", kv.Run("GET", "foo"));
        Assert.False(kv.Closed);
    }

    [Fact]
    public void AQueueingErrorAbortsExec()
    {
        using var kv = new RespCommandRunner();
        kv.Run("MULTI");
        kv.Run("SET", "a", "1");
        Assert.StartsWith("-ERR unknown command 'NOSUCH'", kv.Run("NOSUCH"));
        Assert.Equal("-ERR wrong number of arguments for 'get' command\r\n", kv.Run("GET"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.\r\n", kv.Run("EXEC"));
        Assert.Equal("$-1\r\n", kv.Run("GET", "a"));
        kv.Run("MULTI");
        kv.Run("SET", "a", "1");
        Assert.Equal(Ok, kv.Run("DISCARD"));
        Assert.Equal("$-1\r\n", kv.Run("GET", "a"));
    }

    [Fact]
    public void AWatchedKeyChangedByAnyoneFailsExec()
    {
        using var kv = new RespCommandRunner();
        using var other = new RespCommandRunner(kv.Database);
        kv.Run("SET", "w", "1");
        Assert.Equal(Ok, kv.Run("WATCH", "w"));
        other.Run("SET", "w", "2");
        kv.Run("MULTI");
        Assert.Equal("-ERR WATCH inside MULTI is not allowed\r\n", kv.Run("WATCH", "x"));
        kv.Run("SET", "w", "3");
        Assert.Equal("*-1\r\n", kv.Run("EXEC"));
        Assert.Equal(Bulk("2"), kv.Run("GET", "w"));

        // Unchanged, or unwatched: EXEC runs.
        kv.Run("WATCH", "w");
        kv.Run("MULTI");
        kv.Run("SET", "w", "4");
        Assert.Equal("*1\r\n+OK\r\n", kv.Run("EXEC"));
        kv.Run("WATCH", "w");
        other.Run("SET", "w", "5");
        kv.Run("UNWATCH");
        kv.Run("MULTI");
        kv.Run("GET", "w");
        Assert.Equal("*1\r\n" + Bulk("5"), kv.Run("EXEC"));
    }

    [Theory]
    [InlineData("FLUSHDB")]
    [InlineData("FLUSHALL")]
    [InlineData("SWAPDB 0 1")]
    [InlineData("HSET w f v")]
    [InlineData("DEL w")]
    [InlineData("EXPIRE w 100")]
    public void FlushSwapAndEveryWriteTouchWatchedKeys(string command)
    {
        using var kv = new RespCommandRunner();
        using var other = new RespCommandRunner(kv.Database);
        kv.Run("HSET", "w", "a", "1");
        kv.Run("WATCH", "w");
        other.Run(command.Split(' '));
        kv.Run("MULTI");
        kv.Run("PING");
        Assert.Equal("*-1\r\n", kv.Run("EXEC"));
    }

    [Fact]
    public void ExpiryOfAWatchedKeyFailsExecButAStaleOneDoesNot()
    {
        var clock = new ManualClock();
        using var kv = new RespCommandRunner(clock);
        kv.Run("SET", "w", "1", "PX", "100");
        kv.Run("WATCH", "w");
        clock.AdvanceMs(100);
        kv.Run("MULTI");
        kv.Run("PING");
        Assert.Equal("*-1\r\n", kv.Run("EXEC"));

        kv.Run("SET", "s", "1", "PX", "100");
        clock.AdvanceMs(100);
        kv.Run("WATCH", "s");
        kv.Run("MULTI");
        kv.Run("PING");
        Assert.Equal("*1\r\n+PONG\r\n", kv.Run("EXEC"));
    }

    [Fact]
    public void ExecFollowsSelectAndTheWatchOfAnotherDatabase()
    {
        using var kv = new RespCommandRunner();
        using var other = new RespCommandRunner(kv.Database);
        kv.Run("SELECT", "2");
        kv.Run("WATCH", "k");
        other.Run("SET", "k", "in db 0");
        kv.Run("MULTI");
        kv.Run("SET", "k", "in db 2");
        kv.Run("SELECT", "3");
        kv.Run("SET", "k", "in db 3");
        Assert.Equal("*3\r\n+OK\r\n+OK\r\n+OK\r\n", kv.Run("EXEC"));
        Assert.Contains(" db=3 ", kv.Run("CLIENT", "LIST"));
        kv.Run("SELECT", "2");
        Assert.Equal(Bulk("in db 2"), kv.Run("GET", "k"));
    }

    [Fact]
    public async Task ExecIsAtomicForOtherClients()
    {
        // Another connection increments two counters in one transaction, over and over; every read of both
        // from this one must see them equal.
        using var writer = new RespCommandRunner();
        using var reader = new RespCommandRunner(writer.Database);
        writer.Run("MSET", "x", "0", "y", "0");
        var writes = Task.Run(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                writer.Run("MULTI");
                writer.Run("INCR", "x");
                writer.Run("INCR", "y");
                writer.Run("EXEC");
            }
        });
        while (!writes.IsCompleted)
        {
            reader.Run("MULTI");
            reader.Run("GET", "x");
            reader.Run("GET", "y");
            var lines = reader.Run("EXEC").Split("\r\n");
            Assert.Equal(lines[2], lines[4]);
        }

        await writes;
        Assert.Equal(Bulk("2000"), reader.Run("GET", "y"));
    }
}
