using System.Runtime.InteropServices;

namespace NetKit.Transport;

/// <summary>
/// The connections this process may hold open at once, across all its servers, so that it never runs out
/// of file descriptors: past the limit the runtime cannot even make a thread (it aborts the process) and
/// the data files cannot be opened. As Redis does for maxclients: raise the soft <c>RLIMIT_NOFILE</c> to
/// the hard one, keep <see cref="Reserved"/> descriptors for everything that is not a connection (what the
/// process holds at start, and a margin), and refuse connections beyond the rest.
/// </summary>
public static partial class DescriptorBudget
{
    /// <summary>
    /// Descriptors kept, beyond those the process holds when <see cref="Configure"/> runs, for what it opens
    /// later that is not a connection: listeners and UDP sockets, assemblies loaded later (the JIT build maps
    /// each one with two descriptors), kv's log, lock and rewrite files, a connection being refused.
    /// </summary>
    public const int Margin = 64;

    /// <summary>Kept when the descriptors held cannot be counted: about what the JIT build holds at start.</summary>
    private const int HeldWhenUncounted = 128;

    private const int RlimitNofile = 7; // Linux, every architecture .NET runs on

    private static int s_maxConnections;
    private static int s_taken;
    private static int s_reserved = HeldWhenUncounted + Margin;

    /// <summary>Connections allowed in all (0 = not configured: no process-wide limit).</summary>
    public static int MaxConnections => Volatile.Read(ref s_maxConnections);

    /// <summary>
    /// Descriptors kept for everything that is not a connection: those held when <see cref="Configure"/> ran plus
    /// <see cref="Margin"/>. It follows the process, not a constant: a JIT kv holds about 110 then (two per
    /// loaded assembly), a native one about 10.
    /// </summary>
    public static int Reserved => Volatile.Read(ref s_reserved);

    /// <summary>Connections open now, across the process's servers.</summary>
    public static int Taken => Volatile.Read(ref s_taken);

    /// <summary>
    /// Raises the soft descriptor limit as far as the hard one and budgets connections below it.
    /// Returns the descriptor limit now in force (0 where it cannot be read: not Linux).
    /// </summary>
    public static long Configure()
    {
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNofile, out var limit) != 0)
        {
            return 0;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (setrlimit(RlimitNofile, raised) == 0)
            {
                limit = raised;
            }
        }

        long descriptors = (long)Math.Min(limit.Current, int.MaxValue);
        int reserved = ReserveFor(CountHeld());
        Volatile.Write(ref s_reserved, reserved);
        Volatile.Write(ref s_maxConnections, ConnectionsWithin(descriptors, reserved));
        return descriptors;
    }

    /// <summary>What is kept for the process's own use when it holds <paramref name="held"/> descriptors.</summary>
    internal static int ReserveFor(int held) => held + Margin;

    /// <summary>The connections that fit in <paramref name="descriptors"/> once <paramref name="reserved"/> are kept; at least one.</summary>
    internal static int ConnectionsWithin(long descriptors, int reserved) => (int)Math.Clamp(descriptors - reserved, 1, int.MaxValue);

    /// <summary>Descriptors this process holds now, read from /proc (the listing's own descriptor left out).</summary>
    internal static int CountHeld()
    {
        try
        {
            return Math.Max(0, Directory.GetFileSystemEntries("/proc/self/fd").Length - 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HeldWhenUncounted;
        }
    }

    /// <summary>Sets the budget directly (tests; a host that manages descriptors itself). 0 = no limit.</summary>
    public static void SetMaxConnections(int maxConnections)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxConnections);
        Volatile.Write(ref s_maxConnections, maxConnections);
    }

    internal static bool TryTake()
    {
        int taken = Interlocked.Increment(ref s_taken);
        int max = Volatile.Read(ref s_maxConnections);
        if (max > 0 && taken > max)
        {
            Interlocked.Decrement(ref s_taken);
            return false;
        }

        return true;
    }

    internal static void Release() => Interlocked.Decrement(ref s_taken);

    [StructLayout(LayoutKind.Sequential)]
    private record struct RLimit(ulong Current, ulong Maximum);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);
}
