using System.CommandLine;
using NetKit.Cli.Settings;
using NetKit.Hosting;

namespace NetKit.Cli.Commands;

/// <summary>
/// The options every TCP server command takes (model and limits, <see cref="TcpSettings"/>), put on the command
/// line layer of the configuration and read back into each service's <see cref="ServiceSettings"/>. A new limit
/// is one <see cref="Setting{T}"/> in <see cref="TcpSettings.Limits"/> and one line in <see cref="Read"/>.
/// </summary>
public sealed class TcpServerOptionSet
{
    private readonly List<(ISetting Setting, Option Option)> _options = TcpSettings.Limits.Select(s => (s, s.CreateOption())).ToList();

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
            layer.Add(result, setting, option, [.. tcpSections, .. setting == TcpSettings.Model ? udpSections : []]);
        }
    }

    public static ServiceSettings Read(SettingsReader reader, ServiceDefinition service) => new()
    {
        Model = reader.Get(TcpSettings.Model),
        MaxConnections = reader.Get(TcpSettings.MaxConnections),
        MaxThreads = reader.Get(TcpSettings.MaxThreads),
        EventLoops = reader.Get(TcpSettings.EventLoops),
        IdleTimeout = TimeSpan.FromSeconds(reader.Get(TcpSettings.IdleTimeout)),
        Once = service == NetKitServices.Count && reader.Get(TcpSettings.Once),
        OutputLimit = reader.Get(TcpSettings.OutputLimit),
        MinRequestDataRate = reader.Get(TcpSettings.MinDataRate),
    };
}
