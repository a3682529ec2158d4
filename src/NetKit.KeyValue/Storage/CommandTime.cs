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

    /// <summary>Fixes now for <paramref name="clock"/> on this thread until <see cref="Release"/>; false (and nothing
    /// fixed) when a command's time is already held here, so only the outermost start releases it.</summary>
    public static bool Fix(TimeProvider clock)
    {
        if (t_clock is not null)
        {
            return false;
        }

        t_nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        t_clock = clock;
        return true;
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
