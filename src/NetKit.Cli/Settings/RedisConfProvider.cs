using System.Text;
using Microsoft.Extensions.Configuration;
using NetKit.KeyValue;
using NetKit.Transport;

namespace NetKit.Cli.Settings;

/// <summary>
/// The redis.conf directives kv implements, read into kv's settings (<c>maxclients 50</c> is
/// <c>Kv:MaxConnections</c>); every other directive is ignored with a warning, since a redis.conf written
/// for Redis holds many that mean nothing here. Lines are split as Redis splits them (sdssplitargs); a later
/// line wins over an earlier one, as in Redis.
/// </summary>
public sealed class RedisConfProvider(string path) : ConfigurationProvider
{
    /// <summary>Directives whose value is what kv does anyway: read without a word.</summary>
    private static readonly Dictionary<string, string> SameAsKv = new(StringComparer.OrdinalIgnoreCase)
    {
        ["daemonize"] = "no",
        ["protected-mode"] = "yes",
        ["appendfilename"] = "appendonly.aof",
        ["save"] = "",
        ["supervised"] = "no",
    };

    private readonly Dictionary<string, (string Directive, int Line)> _origins = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _warnings = [];

    public string Path { get; } = path;

    /// <summary>The directives read but not applied, one line each, for the log.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The directive and line a key was read from.</summary>
    public (string Directive, int Line)? OriginOf(string key) => _origins.TryGetValue(key, out var origin) ? origin : null;

    public override void Load()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliException(ExitCodes.PermissionDenied, $"cannot read --redis-conf {Path}: permission denied", ex);
        }
        catch (IOException ex)
        {
            string why = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message;
            throw new CliException(ExitCodes.Failure, $"cannot read --redis-conf {Path}: {why}", ex);
        }

        string? host = null;
        string? port = null;
        int addressLine = 0;
        string? dir = null;
        int dirLine = 0;
        bool? appendOnly = null;
        int appendOnlyLine = 0;
        (string Value, int Line)? tlsPort = null;
        (string Value, int Line)? unixSocket = null;
        (string Value, int Line)? unixSocketPerm = null;
        string? outputLimits = null;
        int outputLimitsLine = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            int number = i + 1;
            string text = lines[i].Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            var args = Split(text, number);
            string directive = args[0].ToLowerInvariant();
            string[] values = args[1..];
            switch (directive)
            {
                case "port":
                    port = One(directive, values, number);
                    addressLine = number;
                    break;
                case "bind":
                    host = BindHost(values, number);
                    addressLine = number;
                    break;
                case "requirepass":
                    // Redis reads an empty requirepass as no password.
                    string password = One(directive, values, number);
                    if (password.Length > 0)
                    {
                        Set(KvSettings.RequirePass.Key, password, directive, number);
                    }

                    break;
                case "maxmemory":
                    Set(KvSettings.MaxMemory.Key, One(directive, values, number), directive, number);
                    break;
                case "appendfsync":
                    Set(KvSettings.Fsync.Key, One(directive, values, number), directive, number);
                    break;
                case "appendonly":
                    string on = One(directive, values, number);
                    if (!SettingParsers.Flag(on, out bool enabled, out _))
                    {
                        throw Invalid(directive, on, number, "expected yes or no");
                    }

                    appendOnly = enabled;
                    appendOnlyLine = number;
                    Set(KvSettings.InMemory.Key, enabled ? "false" : "true", directive, number);
                    break;
                case "dir":
                    dir = One(directive, values, number);
                    dirLine = number;
                    break;
                case "notify-keyspace-events":
                    Set(KvSettings.NotifyKeyspaceEvents.Key, One(directive, values, number), directive, number);
                    break;
                case "databases":
                    Set(KvSettings.Databases.Key, One(directive, values, number), directive, number);
                    break;
                case "maxclients":
                    Set(TcpSettings.MaxConnections.Key, One(directive, values, number), directive, number);
                    break;
                case "timeout":
                    Set(TcpSettings.IdleTimeout.Key, One(directive, values, number), directive, number);
                    break;
                case "proto-max-bulk-len":
                    Set(KvSettings.ProtoMaxBulkLen.Key, One(directive, values, number), directive, number);
                    break;
                case "tls-port":
                    tlsPort = (One(directive, values, number), number);
                    break;
                case "tls-cert-file":
                    Set(TcpSettings.TlsCert.Key, One(directive, values, number), directive, number);
                    break;
                case "tls-key-file":
                    Set(TcpSettings.TlsKey.Key, One(directive, values, number), directive, number);
                    break;
                case "unixsocket":
                    unixSocket = (One(directive, values, number), number);
                    break;
                case "unixsocketperm":
                    unixSocketPerm = (One(directive, values, number), number);
                    break;
                case "client-output-buffer-limit":
                    // A class a line, as Redis writes them: the lines add up, a later one for a class winning.
                    outputLimits = outputLimits is null ? string.Join(' ', values) : outputLimits + " " + string.Join(' ', values);
                    outputLimitsLine = number;
                    break;
                default:
                    if (!(SameAsKv.TryGetValue(directive, out string? same) && string.Join(' ', values).Equals(same, StringComparison.OrdinalIgnoreCase)))
                    {
                        _warnings.Add($"{Path}:{number}: '{string.Join(' ', args)}' is not a directive kv implements; ignored");
                    }

                    break;
            }
        }

        // Redis listens on its port, its tls-port and its unixsocket at once; kv on one address, plus a TLS
        // port beside a TCP one. "port 0" (Redis: no plain TCP) lets the TLS port or the socket be that address.
        bool noPlainPort = port == "0";
        if (tlsPort is { Value: "0" })
        {
            tlsPort = null; // Redis's tls-port 0: no TLS
        }

        if (unixSocket is { } socket && (noPlainPort || (host is null && port is null)) && (noPlainPort || tlsPort is null))
        {
            Set("Bind", HostPort.UnixPrefix + socket.Value, "unixsocket", socket.Line);
            if (unixSocketPerm is { } perm)
            {
                Set(TcpSettings.UnixSocketPerm.Key, perm.Value, "unixsocketperm", perm.Line);
            }

            if (tlsPort is { } ignored)
            {
                _warnings.Add($"{Path}:{ignored.Line}: kv listens on one address: using unixsocket {socket.Value}, ignoring tls-port {ignored.Value}");
            }

            host = port = null;
            tlsPort = null;
        }
        else if (unixSocket is { } ignored)
        {
            _warnings.Add($"{Path}:{ignored.Line}: kv listens on one address: ignoring unixsocket {ignored.Value} " +
                "(with 'port 0' it would be the address)");
        }

        if (tlsPort is { } tls && noPlainPort)
        {
            // TLS only: the TLS port is the one address, and the certificate makes it TLS.
            port = tls.Value;
            addressLine = tls.Line;
            tlsPort = null;
        }
        else if (tlsPort is { } beside)
        {
            Set(KvSettings.TlsPort.Key, beside.Value, "tls-port", beside.Line);
        }

        if (host is not null || port is not null)
        {
            // Left as text, so a bad port is reported by the address parser, naming this line.
            string bindHost = host ?? HostPort.DefaultHost;
            string bindPort = port ?? KeyValueServerOptions.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Set("Bind", bindHost.Contains(':', StringComparison.Ordinal) ? $"[{bindHost}]:{bindPort}" : $"{bindHost}:{bindPort}",
                port is not null ? "port" : "bind", addressLine);
        }

        if (outputLimits is not null)
        {
            Set(TcpSettings.OutputLimit.Key, outputLimits, "client-output-buffer-limit", outputLimitsLine);
        }

        if (appendOnly == true)
        {
            // Redis keeps its files in dir, which is the directory it was started in unless set.
            Set(KvSettings.DataDir.Key, System.IO.Path.GetFullPath(dir ?? "."), dir is null ? "appendonly" : "dir",
                dir is null ? appendOnlyLine : dirLine);
        }
        else if (dir is not null)
        {
            _warnings.Add($"{Path}: 'dir {dir}' holds kv's append-only log only with 'appendonly yes'; ignored");
        }
    }

    private void Set(string key, string value, string directive, int line)
    {
        string full = "Kv:" + key;
        Data[full] = value;
        _origins[full] = (directive, line);
    }

    private string One(string directive, string[] values, int line) =>
        values.Length == 1 ? values[0] : throw new CliException(ExitCodes.Usage,
            $"{Path}:{line}: '{directive}' takes one argument, not {values.Length}");

    private CliException Invalid(string directive, string value, int line, string why) =>
        new(ExitCodes.Usage, $"invalid {directive} '{value}' in {Path} line {line}: {why}");

    /// <summary>kv listens on one address: the first of bind's, without Redis 7's "-" (skip if unavailable).</summary>
    private string BindHost(string[] values, int line)
    {
        if (values.Length == 0)
        {
            throw new CliException(ExitCodes.Usage, $"{Path}:{line}: 'bind' takes at least one address");
        }

        string first = values[0].TrimStart('-');
        if (values.Length > 1)
        {
            _warnings.Add($"{Path}:{line}: kv listens on one address: using {first}, ignoring {string.Join(' ', values[1..])}");
        }

        // Redis's wildcards: * is every IPv4 address, ::* every IPv6 one.
        return first switch
        {
            "*" => "0.0.0.0",
            "::*" => "::",
            _ => first,
        };
    }

    private string[] Split(string text, int line)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        byte[] decoded = new byte[utf8.Length];
        var ranges = new ArgRange[4];
        if (!InlineArgumentSplitter.TrySplit(utf8, ref decoded, ref ranges, out int count) || count == 0)
        {
            throw new CliException(ExitCodes.Usage, $"{Path}:{line}: unbalanced quotes");
        }

        return ranges[..count].Select(r => Encoding.UTF8.GetString(decoded, r.Start, r.Length)).ToArray();
    }
}
