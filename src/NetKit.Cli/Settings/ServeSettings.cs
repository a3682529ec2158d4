using NetKit.Cli.Commands;
using NetKit.Transport;

namespace NetKit.Cli.Settings;

/// <summary><c>netkit serve</c>'s own settings, under <c>Serve</c> in the configuration.</summary>
public static class ServeSettings
{
    public static readonly Setting<IReadOnlyList<string>> Only = new("--only",
        "Run only these services, comma-separated (e.g. kv,echo) [default: all six]", "services", null, ParseServices);

    public static readonly Setting<string> BindAddress = new("--bind-address",
        "IP address the services listen on, those without an address of their own (--bind NAME=...)",
        "address", HostPort.DefaultHost, SettingParsers.NonEmpty("an IP address"));

    public static IEnumerable<string> Keys => [Only.Key, BindAddress.Key];

    private static bool ParseServices(string text, out IReadOnlyList<string> value, out string error)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var known = ServedServices.All.Select(s => s.Name).ToList();
        value = names.Select(n => n.ToLowerInvariant()).Distinct().ToList();
        error = $"expected service names, comma-separated, from {string.Join(", ", known)}";
        if (names.Length == 0)
        {
            return false;
        }

        foreach (string name in names)
        {
            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                error = $"there is no service '{name}'{Suggestion.DidYouMean(name, known)}; {error}";
                return false;
            }
        }

        return true;
    }
}
