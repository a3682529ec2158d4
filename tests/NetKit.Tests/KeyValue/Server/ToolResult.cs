namespace NetKit.Tests.KeyValue.Server;

/// <summary>What an external program did: its exit code and everything it printed.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
