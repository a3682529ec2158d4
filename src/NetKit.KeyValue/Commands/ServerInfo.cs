using System.Reflection;
using System.Security.Cryptography;

namespace NetKit.KeyValue;

/// <summary>How the kv server presents itself to clients (HELLO, INFO server).</summary>
internal static class ServerInfo
{
    /// <summary>The Redis version we claim: 7.0.15, the redis-server whose replies kv is checked against
    /// (differential runs) and whose Tcl suite it is held to. 7.2 changed replies kv gives as 7.0 does (LCS,
    /// BITCOUNT, CLIENT's errors...), so claiming 7.2 would tell clients something untrue.</summary>
    public const string RedisVersion = "7.0.15";

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
