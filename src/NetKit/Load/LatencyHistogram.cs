namespace NetKit.Load;

/// <summary>
/// Latencies in microseconds, counted in HDR-style log-linear buckets: exact below 128 µs, then 64
/// buckets per power of two (under 1.6 % error) up to about 16.7 s; longer values land in the last
/// bucket but still set <see cref="Max"/> exactly. Recording is a few shifts and an increment into a
/// fixed array, so a load loop can record every request without allocating; each connection owns one
/// histogram (no sharing, no locks) and they are merged when the run ends.
/// </summary>
public sealed class LatencyHistogram
{
    private const int LinearBuckets = 128;
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int Magnitudes = 17;

    /// <summary>The largest value with a bucket of its own, in microseconds (2^24 - 1, about 16.7 s).</summary>
    public const long HighestTrackableMicroseconds = (1L << 24) - 1;

    private static readonly double MicrosecondsPerTimestampTick = 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency;

    private readonly long[] _counts = new long[LinearBuckets + (Magnitudes * SubBuckets)];
    private long _min = long.MaxValue;
    private long _sum;

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest value recorded, exact; 0 when empty.</summary>
    public long Max { get; private set; }

    /// <summary>The smallest value recorded, exact; 0 when empty.</summary>
    public long Min => Count == 0 ? 0 : _min;

    /// <summary>The mean in microseconds; 0 when empty.</summary>
    public double Mean => Count == 0 ? 0 : (double)_sum / Count;

    /// <summary>Records the time between two <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> values.</summary>
    public void RecordTimestamps(long start, long end) =>
        Record((long)((end - start) * MicrosecondsPerTimestampTick));

    /// <summary>Records one latency in microseconds (negative values count as 0).</summary>
    public void Record(long microseconds)
    {
        if (microseconds < 0)
        {
            microseconds = 0;
        }

        _counts[BucketOf(Math.Min(microseconds, HighestTrackableMicroseconds))]++;
        Count++;
        _sum += microseconds;
        if (microseconds > Max)
        {
            Max = microseconds;
        }

        if (microseconds < _min)
        {
            _min = microseconds;
        }
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        _sum += other._sum;
        Max = Math.Max(Max, other.Max);
        _min = Math.Min(_min, other._min);
    }

    /// <summary>
    /// The latency that <paramref name="percentile"/> % of the values are at or below, in microseconds:
    /// the top of the bucket holding that value (never above <see cref="Max"/>), so it errs on the slow side.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        percentile = Math.Clamp(percentile, 0, 100);
        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                // The last bucket also holds everything beyond the tracked range: only Max is honest there.
                return i == _counts.Length - 1 ? Max : Math.Min(Math.Max(HighestValueOf(i), Min), Max);
            }
        }

        return Max;
    }

    private static int BucketOf(long microseconds)
    {
        if (microseconds < LinearBuckets)
        {
            return (int)microseconds;
        }

        // magnitude >= 1 is the shift that brings the value into [64, 128): its 64 sub-buckets are 2^magnitude wide.
        int magnitude = (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)microseconds)) - SubBucketBits;
        int subBucket = (int)(microseconds >> magnitude) - SubBuckets;
        return LinearBuckets + ((magnitude - 1) * SubBuckets) + subBucket;
    }

    private static long HighestValueOf(int bucket)
    {
        if (bucket < LinearBuckets)
        {
            return bucket;
        }

        int magnitude = ((bucket - LinearBuckets) / SubBuckets) + 1;
        long subBucket = ((bucket - LinearBuckets) % SubBuckets) + SubBuckets;
        return ((subBucket + 1) << magnitude) - 1;
    }
}
