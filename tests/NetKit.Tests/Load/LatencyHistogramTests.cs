using NetKit.Load;

namespace NetKit.Tests.Load;

/// <summary>The latency distribution <c>netkit bench --json</c> keeps for its charts.</summary>
public sealed class LatencyHistogramTests
{
    [Fact]
    public void The_distribution_climbs_from_the_least_value_to_the_largest_at_100_percent()
    {
        var histogram = new LatencyHistogram();
        for (int us = 1; us <= 10_000; us++)
        {
            histogram.Record(us);
        }

        var points = histogram.Distribution();

        Assert.True(points.Count > 20, $"{points.Count} points");
        Assert.Equal(1, points[0].Microseconds);
        Assert.Equal(100, points[^1].Percentile);
        Assert.Equal(histogram.Max, points[^1].Microseconds);
        for (int i = 1; i < points.Count; i++)
        {
            Assert.True(points[i].Percentile >= points[i - 1].Percentile, $"percentile at {i}");
            Assert.True(points[i].Microseconds >= points[i - 1].Microseconds, $"latency at {i}");
        }

        // Half the points or more past 90 %: the walk spends them on the tail, as an HDR plot needs.
        Assert.True(points.Count(p => p.Percentile > 90) >= points.Count / 2);
        // Each point agrees with the histogram's own percentile (three significant digits).
        var p99 = points.First(p => p.Percentile >= 99);
        Assert.InRange(p99.Microseconds, histogram.ValueAtPercentile(p99.Percentile), histogram.ValueAtPercentile(p99.Percentile) * 1.002);
    }

    [Fact]
    public void An_empty_histogram_has_no_distribution()
    {
        Assert.Empty(new LatencyHistogram().Distribution());
    }
}
