using System.Globalization;

namespace NetKit.Tests.Reliability;

/// <summary>
/// What a server process holds, read from <c>/proc/PID</c> as <c>bench/soak.sh</c> reads it: resident memory,
/// threads and open descriptors. Read from the outside, so the figures are the kernel's, not the runtime's.
/// </summary>
internal readonly record struct ProcessStats(long RssBytes, int Threads, int OpenDescriptors)
{
    /// <summary>The process's figures now, or null once it has exited.</summary>
    public static ProcessStats? Read(int pid)
    {
        try
        {
            long rss = 0;
            int threads = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
                }
            }

            return new ProcessStats(rss, threads, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
