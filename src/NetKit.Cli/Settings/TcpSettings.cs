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

    public static readonly Setting<OutputBufferLimit> OutputLimit = new("--client-output-buffer-limit",
        "Unsent output per connection, as Redis's \"HARD SOFT SECONDS\": over HARD bytes the connection is closed at once, " +
        "over SOFT bytes for SECONDS it is closed then (0 = off)",
        "\"hard soft seconds\"", SettingParsers.Format(OutputBufferLimit.Default), SettingParsers.OutputLimit);

    public static readonly Setting<double> MinDataRate = new("--min-data-rate",
        "Bytes per second a request in progress must arrive at once it has taken 5 s; slower connections are closed (0 = no minimum)",
        "bytes/s", new TcpServerOptions().MinRequestDataRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        SettingParsers.BytesPerSecond);

    /// <summary>count: serve one connection, then exit 0.</summary>
    public static readonly Setting<bool> Once = new("--once", "Serve one connection, then exit", null, "false",
        SettingParsers.Flag, isFlag: true);

    /// <summary>The limits of every TCP server, in the order help lists them.</summary>
    public static IReadOnlyList<ISetting> Limits { get; } = [Model, MaxConnections, MaxThreads, EventLoops, IdleTimeout, OutputLimit, MinDataRate];

    /// <summary>A service's own address, <c>--bind HOST:PORT</c>, with its default port.</summary>
    public static Setting<HostPort> Bind(ServiceDefinition service) => new("--bind",
        "Address to listen on, HOST:PORT (port 0 picks a free one)", "host:port",
        new HostPort(HostPort.DefaultHost, service.DefaultPort).ToString(), SettingParsers.Address(service.DefaultPort));

    /// <summary>Every key a service's section may hold, for catching a misspelt one.</summary>
    public static IEnumerable<string> KeysOf(ServiceDefinition service)
    {
        yield return Bind(service).Key;
        yield return Model.Key;
        if (service.Transport != "tcp")
        {
            yield break;
        }

        foreach (var setting in Limits.Skip(1))
        {
            yield return setting.Key;
        }

        if (service == NetKitServices.Count)
        {
            yield return Once.Key;
        }
    }
}
