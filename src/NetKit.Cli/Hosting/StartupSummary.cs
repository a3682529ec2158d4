using System.Globalization;
using NetKit.Cli.Settings;
using NetKit.Configuration;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;
using NetKit.Transport;

namespace NetKit.Cli.Hosting;

/// <summary>
/// The one line each server prints once it listens: the version and process, the model and limits it runs
/// with, and for kv where its data is (or that it is in memory only), so a reader of the output or the journal
/// knows what is running without reading the command line, the file and the environment it came from.
/// </summary>
public static class StartupSummary
{
    public static string For(ServedService served, KeyValueServer? kv)
    {
        var settings = served.Settings;
        var parts = new List<string> { $"netkit {NetkitVersion.Text}", $"pid {Environment.ProcessId}", Model(served) };
        if (served.Service.Transport == "tcp")
        {
            parts.Add($"max-connections {(settings.MaxConnections == 0 ? "unlimited" : Number(settings.MaxConnections))}");
            parts.Add($"idle-timeout {(settings.IdleTimeout == TimeSpan.Zero ? "off" : Number(settings.IdleTimeout.TotalSeconds) + " s")}");
            if (settings.Tls is { Certificate: var certificate })
            {
                parts.Add($"tls certificate {certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)} " +
                          $"valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");
            }
        }

        if (settings.UnixSocketPermissions is { } mode)
        {
            parts.Add($"socket mode {Convert.ToString((int)mode, 8)}");
        }

        if (kv is null)
        {
            return $"{served.Service.Name}: {string.Join(", ", parts)}";
        }

        var options = kv.Options;
        parts.Add($"maxmemory {(options.MaxMemory == 0 ? "off" : ByteSize.Format(options.MaxMemory))}");
        parts.Add(options.RequirePass is null ? "no password" : "password required");
        return $"{served.Service.Name}: {string.Join(", ", parts)}; {Data(kv)}";
    }

    private static string Data(KeyValueServer kv)
    {
        if (kv.Log is not { } log)
        {
            return "data in memory only, lost when the server stops (--data-dir DIR keeps it)";
        }

        long keys = kv.Database.Store.Count;
        return $"data in {kv.DataDirectory} ({AppendOnlyLog.FileName}, fsync {log.Policy.ToName()}): {keys} {(keys == 1 ? "key" : "keys")} loaded";
    }

    private static string Model(ServedService served)
    {
        var settings = served.Settings;
        string name = SettingParsers.ModelName(settings.Model);
        return settings.Model switch
        {
            ConnectionModel.Epoll when served.Service.Transport == "tcp" => $"model {name} ({(settings.EventLoops > 0 ? settings.EventLoops : Environment.ProcessorCount)} event loops)",
            ConnectionModel.Threads when served.Service.Transport == "tcp" =>
                $"model {name} ({(settings.MaxThreads > 0 ? $"at most {Number(settings.MaxThreads)}" : "a thread per connection")})",
            _ => $"model {name}",
        };
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
