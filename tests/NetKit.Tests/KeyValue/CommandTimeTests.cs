using System.Diagnostics;
using NetKit.KeyValue;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>A command, and a whole EXEC, runs at one time, read when it starts (Redis 7.0's cached command time).</summary>
public class CommandTimeTests
{
    /// <summary>A clock a second later at every read: a command that read it twice would see its own key expire.</summary>
    private sealed class RacingClock : TimeProvider
    {
        private long _ms = 1_700_000_000_000;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Add(ref _ms, 1000));
    }

    [Fact]
    public void AnExecSeesTheTimeItStartedAt()
    {
        using var kv = new RespCommandRunner(new RacingClock());
        kv.Run("MULTI");
        kv.Run("SET", "k", "v", "PX", "1500");
        kv.Run("GET", "k");
        kv.Run("PTTL", "k");
        Assert.Equal("*3\r\n+OK\r\n$1\r\nv\r\n:1500\r\n", kv.Run("EXEC"));
    }

    [Fact]
    public void EachCommandReadsTheClockOnce()
    {
        using var kv = new RespCommandRunner(new RacingClock());
        kv.Run("SET", "k", "v", "PX", "2500");
        // One read for the PTTL itself: a second later than the SET, not several.
        Assert.Equal(":1500\r\n", kv.Run("PTTL", "k"));
    }

    [Fact]
    public void OutsideACommandTheClockIsRead()
    {
        var clock = new ManualClock();
        using var kv = new RespCommandRunner(clock);
        long before = kv.Store.NowMs;
        clock.AdvanceMs(250);
        Assert.Equal(before + 250, kv.Store.NowMs);
    }

    [Fact]
    public void TheSystemClock_IsCountedFromTheCommandsStart()
    {
        // A command's time comes from its start timestamp, not another clock read: one started two seconds
        // "from now" runs two seconds after the wall clock now.
        long wallNow = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long start = Stopwatch.GetTimestamp() + (2 * Stopwatch.Frequency);
        bool fixedHere = CommandTime.Fix(TimeProvider.System, start);
        try
        {
            Assert.True(fixedHere);
            long seen = CommandTime.NowMs(TimeProvider.System);
            Assert.InRange(seen - wallNow, 1900, 2500);
            Assert.False(CommandTime.Fix(TimeProvider.System, start)); // nested: the outer start holds
        }
        finally
        {
            CommandTime.Release(fixedHere);
        }

        Assert.InRange(CommandTime.NowMs(TimeProvider.System) - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), -100, 100);
    }
}
