using System.CommandLine;
using Microsoft.Extensions.Logging;
using NetKit.Cli.Hosting;
using Microsoft.Extensions.Logging.Console;
using NetKit.Cli.Settings;

namespace NetKit.Cli.Commands;

/// <summary>What every server command puts on the command line layer besides its own settings: the root's
/// <c>--log-level</c> and <c>--log-format</c>, as the logger's configuration keys.</summary>
public static class ServerCommandLine
{
    public static CommandLineLayer Start(ParseResult result)
    {
        var layer = new CommandLineLayer();
        if (result.GetResult(CliOptions.LogLevel) is { Implicit: false })
        {
            layer.Set("Logging:LogLevel:Default", result.GetValue(CliOptions.LogLevel).ToString(), CliOptions.LogLevel.Name);
        }

        if (result.GetResult(CliOptions.LogFormat) is { Implicit: false })
        {
            layer.Set(ServerHostFactory.FormatterKey,
                result.GetValue(CliOptions.LogFormat) == "json" ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple,
                CliOptions.LogFormat.Name);
        }

        if (result.GetValue(CliOptions.MetricsBind) is { } metrics)
        {
            layer.Set(Observability.MetricsService.BindKey, metrics, CliOptions.MetricsBind.Name);
        }

        return layer;
    }
}
