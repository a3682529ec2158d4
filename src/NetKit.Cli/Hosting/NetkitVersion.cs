using System.Reflection;

namespace NetKit.Cli.Hosting;

/// <summary>The version <c>netkit --version</c> prints, without the commit it was built from.</summary>
public static class NetkitVersion
{
    public static string Text { get; } = Read();

    private static string Read()
    {
        string version = typeof(NetkitVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(NetkitVersion).Assembly.GetName().Version?.ToString() ?? "unknown";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
