using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using NetKit.Transport;

namespace NetKit.Cli.Settings;

/// <summary>
/// A server command's settings, from its sources in order, a later one winning: kv's <c>--redis-conf</c> file,
/// the <c>--config</c> JSON file, <c>NETKIT_</c> environment variables (<c>NETKIT_KV__BIND</c> is
/// <c>Kv:Bind</c>), then the command line; under all of them the defaults. Knows where each value came from,
/// so a bad one is named as the user wrote it (<c>--maxmemory</c>, <c>NETKIT_KV__MAXMEMORY</c>,
/// <c>Kv:MaxMemory in FILE</c>, <c>maxmemory in FILE line N</c>).
/// </summary>
public sealed class NetkitConfiguration
{
    public const string EnvironmentPrefix = "NETKIT_";

    private readonly CommandLineLayer _commandLine;
    private readonly string? _file;

    private NetkitConfiguration(IConfigurationRoot root, CommandLineLayer commandLine, string? file)
    {
        Root = root;
        _commandLine = commandLine;
        _file = file;
    }

    public IConfigurationRoot Root { get; }

    /// <summary>What was read but not applied (redis.conf directives kv does not implement), for the log.</summary>
    public IReadOnlyList<string> Warnings => Root.Providers.OfType<RedisConfProvider>().SelectMany(p => p.Warnings).ToList();

    /// <summary>Reads every source and checks that each key in a service's section is one it knows.</summary>
    /// <param name="configFile"><c>--config</c>, or null.</param>
    /// <param name="servesKv">Whether the command runs kv, the one service a redis.conf is read for.</param>
    /// <exception cref="CliException">A file cannot be read or parsed, or holds a setting no service has.</exception>
    public static NetkitConfiguration Load(string? configFile, CommandLineLayer commandLine, Func<NetkitConfiguration, bool> servesKv)
    {
        string? file = configFile is null ? null : Path.GetFullPath(configFile);
        var first = Build(null, file, commandLine);
        // redis.conf's place is set by any source, so it is known once they are read; it then goes under them all.
        string? redisConf = servesKv(first) ? first.Root[$"Kv:{KvSettings.RedisConf.Key}"] : null;
        var configuration = redisConf is { Length: > 0 } ? Build(redisConf, file, commandLine) : first;
        configuration.CheckKeys();
        return configuration;
    }

    public SettingsReader Section(string section) => new(this, section);

    /// <summary>Which source gave <paramref name="key"/> its value (or, for a list, its first item): its index,
    /// higher winning; -1 if none did.</summary>
    public int SourceOf(string key)
    {
        var providers = Root.Providers.ToList();
        for (int i = providers.Count - 1; i >= 0; i--)
        {
            if (providers[i].TryGet(key, out _) || providers[i].TryGet(key + ":0", out _))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The value's name as its source spells it, and where that is: ("--maxmemory", ""),
    /// ("Kv:MaxMemory", " in /etc/netkit.json"), ("maxmemory", " in /etc/redis.conf line 3").</summary>
    public (string Name, string Where) Describe(string key)
    {
        int source = SourceOf(key);
        return source < 0 ? (key, string.Empty) : Root.Providers.ElementAt(source) switch
        {
            CommandLineLayer.Provider => (_commandLine.OptionFor(key) ?? key, string.Empty),
            EnvironmentVariablesConfigurationProvider => (EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant(), string.Empty),
            JsonConfigurationProvider => (key, $" in {_file}"),
            RedisConfProvider redis when redis.OriginOf(key) is { } origin => (origin.Directive, $" in {redis.Path} line {origin.Line}"),
            _ => (key, string.Empty),
        };
    }

    private static NetkitConfiguration Build(string? redisConf, string? file, CommandLineLayer commandLine)
    {
        var builder = new ConfigurationBuilder();
        if (redisConf is not null)
        {
            builder.Add(new RedisConfSource(redisConf));
        }

        if (file is not null)
        {
            builder.Add(JsonFile(file));
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Add(commandLine);
        try
        {
            return new NetkitConfiguration(builder.Build(), commandLine, file);
        }
        catch (InvalidDataException ex) when (file is not null)
        {
            string why = ex.InnerException is JsonException json ? json.Message : ex.Message;
            throw new CliException(ExitCodes.Usage, $"cannot read --config {file}: not valid JSON: {why}", ex);
        }
        catch (FormatException ex) when (file is not null)
        {
            // The JSON reader's word for a key given twice.
            throw new CliException(ExitCodes.Usage, $"cannot read --config {file}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex) when (file is not null)
        {
            throw new CliException(ExitCodes.PermissionDenied, $"cannot read --config {file}: permission denied", ex);
        }
        catch (IOException ex) when (file is not null)
        {
            string why = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message;
            throw new CliException(ExitCodes.Failure, $"cannot read --config {file}: {why}", ex);
        }
    }

    private static JsonConfigurationSource JsonFile(string path)
    {
        string directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            throw new CliException(ExitCodes.Failure, $"cannot read --config {path}: no such file");
        }

        return new JsonConfigurationSource
        {
            // No exclusions: a file named .netkit.json is as good as any.
            FileProvider = new PhysicalFileProvider(directory, ExclusionFilters.None),
            Path = Path.GetFileName(path),
            Optional = false,
            // Read once: a server's settings change when it restarts, not under it.
            ReloadOnChange = false,
        };
    }

    /// <summary>A misspelt key would be silently ignored: refuse it, naming the closest real one.</summary>
    private void CheckKeys()
    {
        var sections = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in Commands.ServedServices.All)
        {
            var keys = TcpSettings.KeysOf(service).ToList();
            if (service == KeyValue.KeyValueService.Definition)
            {
                keys.AddRange(KvSettings.All.Select(s => s.Key));
            }

            sections[ServiceSections.For(service)] = keys;
        }

        sections[ServiceSections.Serve] = ServeSettings.Keys.ToList();
        sections[ServiceSections.Metrics] = ["Bind"];
        foreach (var (section, keys) in sections)
        {
            foreach (var child in Root.GetSection(section).GetChildren())
            {
                bool known = keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase);
                // Serve:Only may be a JSON array; everything else is one value.
                bool shapeOk = child.Value is not null || child.Key.Equals(ServeSettings.Only.Key, StringComparison.OrdinalIgnoreCase);
                if (!known || !shapeOk)
                {
                    var (name, where) = Describe(FirstKeyUnder(child));
                    string what = known ? $"{section}:{child.Key} takes one value, not a list or section" :
                        $"unknown setting {name}{where}{Suggestion.DidYouMean(child.Key, keys)}";
                    throw new CliException(ExitCodes.Usage, $"{what}; see docs/configuration.md for every key");
                }
            }
        }

        // Top-level sections in a file are all NetKit's; in the environment, other NETKIT_ variables may be anyone's.
        var topLevel = ServiceSections.All(Commands.ServedServices.All).ToList();
        foreach (var provider in Root.Providers.Where(p => p is JsonConfigurationProvider))
        {
            foreach (string key in provider.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!topLevel.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    throw new CliException(ExitCodes.Usage,
                        $"unknown section {key} in {_file}{Suggestion.DidYouMean(key, topLevel)}: expected {string.Join(", ", topLevel)}");
                }
            }
        }
    }

    /// <summary>A key under <paramref name="section"/> that holds a value (the section's own, else its first leaf's).</summary>
    private static string FirstKeyUnder(IConfigurationSection section)
    {
        var current = section;
        while (current.Value is null && current.GetChildren().FirstOrDefault() is { } child)
        {
            current = child;
        }

        return current.Path;
    }
}
