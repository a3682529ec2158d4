namespace NetKit.Cli.Commands;

/// <summary>One point of a run's latency distribution: <see cref="Percentile"/> % of its requests were
/// answered within <see cref="LatencyUs"/> microseconds.</summary>
internal sealed record BenchJsonPercentile(double Percentile, long LatencyUs);
