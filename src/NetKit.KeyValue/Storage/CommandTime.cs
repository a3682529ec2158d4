using System.Diagnostics;

namespace NetKit.KeyValue;

/// <summary>
/// The time a command runs at, read once when it starts and seen by everything it does — Redis 7.0's
/// cached command time (call() fixes <c>mstime</c> for expiry while a command, or a whole EXEC, runs). It keeps
/// a command's view of expiry consistent, and it saves the request path a clock read at every lookup, write and
/// access stamp (five or six a SET, which cost a tenth of a SET's CPU). Kept per thread, since a connection's
/// command runs on one; tagged with the clock it came from, so a store with another clock (a test's fake time)
/// never sees it.
/// </summary>
internal static class CommandTime
{
    [ThreadStatic] private static TimeProvider? t_clock;
    [ThreadStatic] private static long t_nowMs;
    [ThreadStatic] private static long t_baseTimestamp;
    [ThreadStatic] private static long t_baseMs;

    /// <summary>Fixes now for <paramref name="clock"/> on this thread until <see cref="Release"/>, from the command's
    /// start <paramref name="timestamp"/> (<see cref="Stopwatch.GetTimestamp"/>, read anyway for the slow log); false
    /// (and nothing fixed) when a command's time is already held here, so only the outermost start releases it.</summary>
    public static bool Fix(TimeProvider clock, long timestamp)
    {
        if (t_clock is not null)
        {
            return false;
        }

        t_nowMs = ReferenceEquals(clock, TimeProvider.System)
            ? SystemNowMs(timestamp)
            : clock.GetUtcNow().ToUnixTimeMilliseconds();
        t_clock = clock;
        return true;
    }

    /// <summary>The system's wall clock at <paramref name="timestamp"/>, counted from a wall-clock reading this thread
    /// takes at most once a second: a command then costs no clock read of its own, and a step of the wall clock
    /// (NTP, an operator) is seen within a second.</summary>
    private static long SystemNowMs(long timestamp)
    {
        long since = timestamp - t_baseTimestamp;
        if (t_baseTimestamp == 0 || since < 0 || since >= Stopwatch.Frequency)
        {
            t_baseTimestamp = Stopwatch.GetTimestamp();
            t_baseMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            since = Math.Max(0, timestamp - t_baseTimestamp);
        }

        return t_baseMs + (since * 1000 / Stopwatch.Frequency);
    }

    public static void Release(bool fixedHere)
    {
        if (fixedHere)
        {
            t_clock = null;
        }
    }

    /// <summary>Now in Unix milliseconds: the running command's time when one runs on this thread with this clock.</summary>
    public static long NowMs(TimeProvider clock) =>
        ReferenceEquals(t_clock, clock) ? t_nowMs : clock.GetUtcNow().ToUnixTimeMilliseconds();
}
