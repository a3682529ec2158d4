using NetKit.Transport;

namespace NetKit.Cli;

/// <summary>A failure the command reports in one line and an exit code, found by the CLI itself (a bad
/// argument, a file it cannot open) rather than by the network layer.</summary>
public sealed class CliException : Exception
{
    public CliException(int exitCode, string message, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
