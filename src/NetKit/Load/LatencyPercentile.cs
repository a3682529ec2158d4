namespace NetKit.Load;

/// <summary>One point of a latency distribution: <see cref="Percentile"/> % of the values are at or below
/// <see cref="Microseconds"/>.</summary>
public readonly record struct LatencyPercentile(double Percentile, long Microseconds);
