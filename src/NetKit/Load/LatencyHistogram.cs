using System.Diagnostics;
using HdrHistogram;

namespace NetKit.Load;

/// <summary>
/// Latencies in microseconds, in an HdrHistogram (three significant digits, 1 µs to one hour): recording is
/// an index computation and an increment into a fixed array, so a load loop records every request without
/// allocating. The epoll engine's one thread owns a plain histogram; the async engine's connections share a
/// concurrent one, since a histogram each would cost 10,000 connections most of a gigabyte.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>The largest value recorded as it is; longer ones are recorded as this (and counted in
    /// <see cref="Clamped"/>), since HdrHistogram refuses values beyond its range.</summary>
    public const long HighestTrackableMicroseconds = 3_600_000_000;

    private static readonly double MicrosecondsPerTimestampTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly HistogramBase _histogram;
    private long _clamped;

    /// <param name="concurrent">Recorded into from several threads at once.</param>
    public LatencyHistogram(bool concurrent = false)
    {
        _histogram = concurrent
            ? new LongConcurrentHistogram(1, 1, HighestTrackableMicroseconds, 3)
            : new LongHistogram(1, HighestTrackableMicroseconds, 3);
    }

    /// <summary>Values recorded.</summary>
    public long Count => _histogram.TotalCount;

    /// <summary>Values beyond <see cref="HighestTrackableMicroseconds"/>, recorded as it.</summary>
    public long Clamped => Volatile.Read(ref _clamped);

    /// <summary>The largest value recorded (within HdrHistogram's resolution); 0 when empty.</summary>
    public long Max => Count == 0 ? 0 : _histogram.GetMaxValue();

    /// <summary>The mean in microseconds; 0 when empty.</summary>
    public double Mean => Count == 0 ? 0 : _histogram.GetMean();

    /// <summary>Records the time between two <see cref="Stopwatch.GetTimestamp"/> values.</summary>
    public void RecordTimestamps(long start, long end) =>
        Record((long)((end - start) * MicrosecondsPerTimestampTick));

    /// <summary>Records one latency in microseconds (negative values count as 0).</summary>
    public void Record(long microseconds)
    {
        if (microseconds > HighestTrackableMicroseconds)
        {
            microseconds = HighestTrackableMicroseconds;
            Interlocked.Increment(ref _clamped);
        }

        _histogram.RecordValue(Math.Max(0, microseconds));
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _histogram.Add(other._histogram);
        Interlocked.Add(ref _clamped, other.Clamped);
    }

    /// <summary>The latency that <paramref name="percentile"/> % of the values are at or below, in microseconds.</summary>
    public long ValueAtPercentile(double percentile) =>
        Count == 0 ? 0 : _histogram.GetValueAtPercentile(Math.Clamp(percentile, 0, 100));

    /// <summary>
    /// The whole distribution as HdrHistogram's percentile output walks it: <paramref name="ticksPerHalfDistance"/>
    /// points between 0 % and 50 %, as many again in each half of what is left (50-75 %, 75-87.5 %, ...), up
    /// to 100 %, so the tail gets as many points as the body. This is what an HDR latency-by-percentile plot
    /// draws; empty when nothing was recorded.
    /// </summary>
    public IReadOnlyList<LatencyPercentile> Distribution(int ticksPerHalfDistance = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ticksPerHalfDistance, 1);
        var points = new List<LatencyPercentile>();
        if (Count == 0)
        {
            return points;
        }

        // The iterator reuses one value object, so each point is copied out as it comes.
        foreach (var value in _histogram.Percentiles(ticksPerHalfDistance))
        {
            points.Add(new LatencyPercentile(value.PercentileLevelIteratedTo, _histogram.HighestEquivalentValue(value.ValueIteratedTo)));
        }

        return points;
    }
}
