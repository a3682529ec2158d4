using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace NetKit.Cli;

/// <summary>The servers' logger: everything on stderr, so stdout carries only the results a script reads
/// (the <c>listening on</c> lines, the client replies).</summary>
public static class CliLogging
{
    public static ILoggerFactory Create(LogLevel minimumLevel) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(minimumLevel)
            .AddConsole(options =>
            {
                options.LogToStandardErrorThreshold = LogLevel.Trace;
                options.FormatterName = ConsoleFormatterNames.Simple;
                // A flood of connections logs a line each; when stderr cannot keep up (a slow terminal, a
                // full pipe) lines are dropped rather than stalling the accept loop and every connection.
                options.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite;
                options.MaxQueueLength = 10_000;
            })
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            }));
}
