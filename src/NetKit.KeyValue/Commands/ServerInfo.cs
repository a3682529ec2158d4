using System.Reflection;
using System.Security.Cryptography;

namespace NetKit.KeyValue;

/// <summary>How the kv server presents itself to clients (HELLO, INFO server).</summary>
internal static class ServerInfo
{
    /// <summary>The Redis version we claim. Clients switch features on by version; 7.2 is the level whose
    /// commands and replies (as far as we implement them) we follow.</summary>
    public const string RedisVersion = "7.2.0";

    /// <summary>NetKit's own version, without the source-revision suffix.</summary>
    public static string NetKitVersion { get; } = ReadVersion();

    /// <summary>A random id for this process's run, as Redis's run_id: clients use it to notice a restart.</summary>
    public static string RunId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static string ReadVersion()
    {
        var assembly = typeof(ServerInfo).Assembly;
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString();
        if (version is null)
        {
            return "0.0.0";
        }

        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
