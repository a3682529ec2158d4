namespace NetKit.Cli.Commands;

/// <summary>The options a bench run ran with, as the command line gave them (defaults filled in); the label
/// is <c>--label</c>'s, what a chart calls the run (null without it).</summary>
internal sealed record BenchJsonOptions(
    string? Label, string Target, string Workload, string Connect, int Connections, int Pipeline, double Rate, int Size,
    double WarmupSeconds, double DurationSeconds, double ConnectTimeoutSeconds, double RequestTimeoutSeconds,
    string Engine, string SocketIo, string? KvOperation, bool? ChangingValues, int? Keys, int? ServerPid);
