using System.CommandLine;
using NetKit.Cli.Settings;
using System.Net;
using System.Net.Sockets;
using NetKit.Cli.Hosting;
using NetKit.Hosting;
using NetKit.KeyValue;
using NetKit.Transport.Tls;

namespace NetKit.Cli.Commands;

/// <summary>
/// The options every TCP server command takes (model and limits, <see cref="TcpSettings"/>), put on the command
/// line layer of the configuration and read back into each service's <see cref="ServiceSettings"/>. A new limit
/// is one <see cref="Setting{T}"/> in <see cref="TcpSettings.Limits"/> and one line in <see cref="Read"/>.
/// </summary>
public sealed class TcpServerOptionSet
{
    private readonly List<(ISetting Setting, Option Option)> _options =
        TcpSettings.Limits.Concat(TcpSettings.Listener).Select(s => (s, s.CreateOption())).ToList();

    public void AddTo(Command command)
    {
        foreach (var (_, option) in _options)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The given options under each of <paramref name="tcpSections"/>; the model also under
    /// <paramref name="udpSections"/>, the one of these settings a UDP server has.</summary>
    public void AddToLayer(ParseResult result, CommandLineLayer layer, IReadOnlyList<string> tcpSections, IReadOnlyList<string> udpSections)
    {
        foreach (var (setting, option) in _options)
        {
            bool udpToo = setting == TcpSettings.Model || setting == TcpSettings.UnixSocketPerm;
            layer.Add(result, setting, option, [.. tcpSections, .. udpToo ? udpSections : []]);
        }
    }

    /// <exception cref="NetKitException">The TLS certificate or key cannot be loaded.</exception>
    public static ServiceSettings Read(SettingsReader reader, ServiceDefinition service) => new()
    {
        Model = reader.Get(TcpSettings.Model),
        MaxConnections = reader.Get(TcpSettings.MaxConnections),
        MaxThreads = reader.Get(TcpSettings.MaxThreads),
        EventLoops = reader.Get(TcpSettings.EventLoops),
        IdleTimeout = TimeSpan.FromSeconds(reader.Get(TcpSettings.IdleTimeout)),
        Once = service == NetKitServices.Count && reader.Get(TcpSettings.Once),
        OutputLimit = reader.Get(TcpSettings.OutputLimit).Normal,
        SubscriberOutputLimit = reader.Get(TcpSettings.OutputLimit).Subscriber,
        MinRequestDataRate = reader.Get(TcpSettings.MinDataRate),
        Tls = service.Transport == "tcp" ? ReadTls(reader) : null,
        UnixSocketPermissions = reader.TryGet(TcpSettings.UnixSocketPerm, out var mode) ? mode : null,
    };

    /// <summary>Settings that make sense only with others, checked once every source is read.</summary>
    /// <exception cref="CliException">A usage error, saying what is missing.</exception>
    public static void Check(IReadOnlyList<ServedService> services, KeyValueServerOptions? kv)
    {
        if (services.Any(s => s.Settings.UnixSocketPermissions is not null) && !services.Any(s => s.EndPoint is UnixDomainSocketEndPoint))
        {
            throw CliException.Usage($"{TcpSettings.UnixSocketPerm.OptionName} sets the permissions of a Unix socket's file: " +
                "give a --bind unix:PATH");
        }

        if (kv?.TlsPort is null || services.FirstOrDefault(s => s.Service == KeyValueService.Definition) is not { } served)
        {
            return;
        }

        if (served.Settings.Tls is null)
        {
            throw CliException.Usage($"{KvSettings.TlsPort.OptionName} serves TLS: give {TcpSettings.TlsCert.OptionName} and {TcpSettings.TlsKey.OptionName} too");
        }

        if (served.EndPoint is not IPEndPoint)
        {
            throw CliException.Usage($"{KvSettings.TlsPort.OptionName} listens on the host of --bind, and a Unix socket has none: " +
                "without it, --tls-cert makes the socket TLS");
        }
    }

    /// <summary>
    /// The certificate and key, loaded now so a bad file stops the start in one line; a listener that cannot
    /// serve TLS must not come up serving plain instead.
    /// </summary>
    private static TlsServerOptions? ReadTls(SettingsReader reader)
    {
        bool hasCert = reader.TryGet(TcpSettings.TlsCert, out string certificate);
        bool hasKey = reader.TryGet(TcpSettings.TlsKey, out string key);
        if (hasCert != hasKey)
        {
            throw CliException.Usage($"{reader.NameOf(hasCert ? TcpSettings.TlsCert : TcpSettings.TlsKey)} needs " +
                $"{(hasCert ? TcpSettings.TlsKey : TcpSettings.TlsCert).OptionName} too: a certificate and its key go together");
        }

        return hasCert ? TlsServerOptions.FromPemFiles(certificate, key) : null;
    }
}
