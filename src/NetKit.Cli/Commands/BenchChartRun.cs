namespace NetKit.Cli.Commands;

/// <summary>
/// One run as a chart draws it, read from a <c>netkit bench --json</c> file.
/// </summary>
/// <param name="Label">What the legend calls it.</param>
/// <param name="Series">The label without the connection count: a sweep draws the runs of one series as one line.</param>
/// <param name="Latency">Its latency distribution, percentile and microseconds, ascending.</param>
internal sealed record BenchChartRun(
    string Label, string Series, int Connections, double RequestsPerSecond, double? RequestsPerServerCpuSecond,
    IReadOnlyList<BenchJsonPercentile> Latency);
