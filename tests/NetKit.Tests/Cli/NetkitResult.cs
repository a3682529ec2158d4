namespace NetKit.Tests.Cli;

/// <summary>How a finished <c>netkit</c> process ended: its exit code and everything it wrote.</summary>
public sealed record NetkitResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => SplitLines(Stdout);

    public string[] StderrLines => SplitLines(Stderr);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}--- stderr ---\n{Stderr}";

    private static string[] SplitLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}
