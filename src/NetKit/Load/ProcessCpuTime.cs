using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace NetKit.Load;

/// <summary>
/// CPU time (user + system) a process has used, for the server's and the generator's share of a shared
/// machine. On Linux from <c>/proc/PID/stat</c> (utime and stime, in clock ticks of
/// <c>sysconf(_SC_CLK_TCK)</c>): cheap, and it works for any process, not only .NET ones.
/// </summary>
internal static partial class ProcessCpuTime
{
    private const int ScClkTck = 2; // Linux, every architecture .NET runs on

    private static readonly Lazy<long> s_ticksPerSecond = new(() =>
    {
        long ticks = OperatingSystem.IsLinux() ? sysconf(ScClkTck) : 0;
        return ticks > 0 ? ticks : 100;
    });

    /// <summary>Seconds of CPU the process has used so far; null when it cannot be read (gone, not allowed).</summary>
    public static double? Read(int pid)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                return ReadProcStat(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat"));
            }

            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime.TotalSeconds;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException
                                       or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>This process, from the runtime (the same on every OS).</summary>
    public static double ReadSelf()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>utime + stime from a <c>/proc/PID/stat</c> line, in seconds.</summary>
    internal static double ReadProcStat(string stat)
    {
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses: fields
        // are counted from the last ')'. After it come state (3), ..., utime (14) and stime (15).
        int close = stat.LastIndexOf(')');
        string[] fields = stat[(close + 2)..].Split(' ');
        long utime = long.Parse(fields[14 - 3], NumberStyles.None, CultureInfo.InvariantCulture);
        long stime = long.Parse(fields[15 - 3], NumberStyles.None, CultureInfo.InvariantCulture);
        return (utime + stime) / (double)s_ticksPerSecond.Value;
    }

    [LibraryImport("libc")]
    private static partial long sysconf(int name);
}
