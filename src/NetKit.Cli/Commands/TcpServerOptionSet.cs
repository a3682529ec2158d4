using System.CommandLine;
using NetKit.Connections;
using NetKit.Hosting;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>The options every TCP server command takes (model and limits), turned into <see cref="ServiceSettings"/>.</summary>
public sealed class TcpServerOptionSet
{
    private readonly Option<Transport.ConnectionModel> _model = CliOptions.Model();
    private readonly Option<int> _maxConnections = CliOptions.MaxConnections();
    private readonly Option<int> _maxThreads = CliOptions.MaxThreads();
    private readonly Option<int> _eventLoops = CliOptions.EventLoops();
    private readonly Option<double> _idleTimeout = CliOptions.IdleTimeout();
    private readonly Option<OutputBufferLimit> _outputLimit = CliOptions.OutputLimit();
    private readonly Option<double> _minDataRate = CliOptions.MinDataRate();

    public void AddTo(Command command)
    {
        command.Options.Add(_model);
        command.Options.Add(_maxConnections);
        command.Options.Add(_maxThreads);
        command.Options.Add(_eventLoops);
        command.Options.Add(_idleTimeout);
        command.Options.Add(_outputLimit);
        command.Options.Add(_minDataRate);
    }

    public ServiceSettings ToSettings(ParseResult result, bool once = false) => new()
    {
        Model = result.GetValue(_model),
        MaxConnections = result.GetValue(_maxConnections),
        MaxThreads = result.GetValue(_maxThreads),
        EventLoops = result.GetValue(_eventLoops),
        IdleTimeout = TimeSpan.FromSeconds(result.GetValue(_idleTimeout)),
        Once = once,
        OutputLimit = result.GetValue(_outputLimit),
        MinRequestDataRate = result.GetValue(_minDataRate),
    };
}
