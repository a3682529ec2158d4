using NetKit.Connections;
using NetKit.Hosting;
using NetKit.Transport;

namespace NetKit.Cli.Settings;

/// <summary>The settings every server takes (<see cref="Bind"/>, <see cref="Model"/>) and those of every TCP
/// server (limits), in the configuration under each service's section (<c>Echo:MaxConnections</c>).</summary>
public static class TcpSettings
{
    public static readonly Setting<ConnectionModel> Model = new("--model",
        "Connection model: epoll (Linux: one event loop per core; the default there), async (portable, few pool threads; the default elsewhere) or threads (one thread per connection)",
        "async|threads|epoll", SettingParsers.ModelName(ConnectionModels.Default), SettingParsers.Model,
        choices: ["async", "threads", "epoll"]);

    public static readonly Setting<int> MaxConnections = new("--max-connections",
        "Connections served at once; more are closed at once (0 = no limit)", "n",
        "10000", SettingParsers.NonNegativeInt);

    public static readonly Setting<int> MaxThreads = new("--max-threads",
        "Connection threads at once with --model threads; more wait in the backlog (0 = no cap)", "n", "0", SettingParsers.NonNegativeInt);

    public static readonly Setting<int> EventLoops = new("--event-loops",
        "Event loops, each a thread, with --model epoll (0 = one per processor; fewer leave cores to a load generator on the same machine)",
        "n", "0", SettingParsers.NonNegativeInt);

    public static readonly Setting<double> IdleTimeout = new("--idle-timeout",
        "Close a connection idle for this many seconds (0 = never)", "seconds", "0", SettingParsers.Seconds);

    public static readonly Setting<ClientOutputLimits> OutputLimit = new("--client-output-buffer-limit",
        "Unsent output per connection, as Redis's \"HARD SOFT SECONDS\": over HARD bytes the connection is closed at once, " +
        "over SOFT bytes for SECONDS it is closed then (0 = off); or per class, as in a redis.conf, \"normal ... pubsub ...\": " +
        "the pubsub class holds a subscriber, its queued messages counted too",
        "\"[class] hard soft seconds ...\"", SettingParsers.Format(ClientOutputLimits.Default), SettingParsers.OutputLimits);

    public static readonly Setting<double> MinDataRate = new("--min-data-rate",
        "Bytes per second a request in progress must arrive at once it has taken 5 s; slower connections are closed (0 = no minimum)",
        "bytes/s", new TcpServerOptions().MinRequestDataRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        SettingParsers.BytesPerSecond);

    /// <summary>count: serve one connection, then exit 0.</summary>
    public static readonly Setting<bool> Once = new("--once", "Serve one connection, then exit", null, "false",
        SettingParsers.Flag, isFlag: true);

    public static readonly Setting<string> TlsCert = new("--tls-cert",
        "Serve TLS with this PEM certificate file (the server's certificate first, then any intermediates), with --tls-key; " +
        "TLS connections run the TLS model whatever --model says",
        "file", null, SettingParsers.NonEmpty("a file"));

    public static readonly Setting<string> TlsKey = new("--tls-key",
        "The PEM private key of --tls-cert", "file", null, SettingParsers.NonEmpty("a file"));

    public static readonly Setting<UnixFileMode> UnixSocketPerm = new("--unix-socket-perm",
        "Permissions of the socket file of a unix:PATH --bind, in octal as chmod takes them (700: this user only, " +
        "770: and the group; connecting needs write permission), set before any client can connect [default: as the umask leaves them]",
        "mode", null, SettingParsers.FileMode);

    /// <summary>The limits of every TCP server, in the order help lists them.</summary>
    public static IReadOnlyList<ISetting> Limits { get; } = [Model, MaxConnections, MaxThreads, EventLoops, IdleTimeout, OutputLimit, MinDataRate];

    /// <summary>How a TCP server's listener is reached: TLS, and a Unix socket file's permissions.</summary>
    public static IReadOnlyList<ISetting> Listener { get; } = [TlsCert, TlsKey, UnixSocketPerm];

    /// <summary>A service's own address, <c>--bind HOST:PORT</c>, with its default port.</summary>
    public static Setting<HostPort> Bind(ServiceDefinition service) => new("--bind",
        "Address to listen on: HOST:PORT (port 0 picks a free one; [::1]:PORT for IPv6) or unix:PATH for a Unix socket",
        "host:port|unix:path",
        new HostPort(HostPort.DefaultHost, service.DefaultPort).ToString(), SettingParsers.Address(service.DefaultPort));

    /// <summary>Every key a service's section may hold, for catching a misspelt one.</summary>
    public static IEnumerable<string> KeysOf(ServiceDefinition service)
    {
        yield return Bind(service).Key;
        yield return Model.Key;
        yield return UnixSocketPerm.Key;
        if (service.Transport != "tcp")
        {
            yield break;
        }

        foreach (var setting in Limits.Skip(1))
        {
            yield return setting.Key;
        }

        yield return TlsCert.Key;
        yield return TlsKey.Key;

        if (service == NetKitServices.Count)
        {
            yield return Once.Key;
        }
    }
}
