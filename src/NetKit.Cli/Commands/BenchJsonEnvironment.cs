using System.Reflection;
using System.Runtime.InteropServices;

namespace NetKit.Cli.Commands;

/// <summary>The machine and software a bench run measured on: figures from a shared 2-core machine and a
/// machine of their own do not compare, so the file says which it was.</summary>
internal sealed record BenchJsonEnvironment(
    string Machine, string Os, string Architecture, int Cores, string? CpuModel, string Runtime, string NetkitVersion,
    string StartedUtc, double[]? LoadAverage)
{
    public static BenchJsonEnvironment Capture(DateTime startedUtc) => new(
        System.Environment.MachineName,
        RuntimeInformation.OSDescription,
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        System.Environment.ProcessorCount,
        ReadCpuModel(),
        RuntimeInformation.FrameworkDescription,
        typeof(BenchJsonEnvironment).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        startedUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ReadLoadAverage());

    private static string? ReadCpuModel()
    {
        try
        {
            return File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                    .Split(':', 2)[1].Trim()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Anything else running skews a same-machine figure: the load average says how much.</summary>
    private static double[]? ReadLoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg")
                ? File.ReadAllText("/proc/loadavg").Split(' ').Take(3)
                    .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
                : null;
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            return null;
        }
    }
}
