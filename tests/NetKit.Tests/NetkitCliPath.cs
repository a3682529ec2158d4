using System.Reflection;

namespace NetKit.Tests;

/// <summary>Where the built <c>netkit</c> command is: the CLI project's own output folder, named by the
/// test project at build time (the CLI is not copied beside the tests: its assembly name clashes in case
/// with the library's).</summary>
public static class NetkitCliPath
{
    public static string Value { get; } = typeof(NetkitCliPath).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "NetkitCliPath").Value!;
}
