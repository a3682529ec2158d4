using System.Runtime.InteropServices;

namespace NetKit.Transport;

/// <summary>
/// The connections this process may hold open at once, across all its servers, so that it never runs out
/// of file descriptors: past the limit the runtime cannot even make a thread (it aborts the process) and
/// the data files cannot be opened. As Redis does for maxclients: raise the soft <c>RLIMIT_NOFILE</c> to
/// the hard one, keep <see cref="Reserved"/> descriptors for everything that is not a connection, and
/// refuse connections beyond the rest.
/// </summary>
public static partial class DescriptorBudget
{
    /// <summary>
    /// Descriptors kept for what is not a connection: the runtime's own (epoll, event and signal pipes),
    /// stdio, listeners and UDP sockets, kv's log, lock and rewrite files, a connection being refused.
    /// </summary>
    public const int Reserved = 128;

    private const int RlimitNofile = 7; // Linux, every architecture .NET runs on

    private static int s_maxConnections;
    private static int s_taken;

    /// <summary>Connections allowed in all (0 = not configured: no process-wide limit).</summary>
    public static int MaxConnections => Volatile.Read(ref s_maxConnections);

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
        Volatile.Write(ref s_maxConnections, (int)Math.Max(1, descriptors - Reserved));
        return descriptors;
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
