using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NetKit;

/// <summary>
/// <c>netkit.request.duration</c>: the server-side time of a request, tagged by service (and by command where
/// the core knows commands, as kv does). The connection loop times each run of a core, which is one request or
/// the pipelined requests that arrived together; kv times each command itself.
/// </summary>
public static class RequestMetrics
{
    // From 10 µs to 10 s: the default boundaries (0 to 10,000) are meant for milliseconds, and nearly every
    // request here would fall in the first bucket.
    private static readonly double[] Boundaries =
    [
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1, 2.5, 5, 10,
    ];

    public static readonly Histogram<double> Duration = NetKitMeter.Meter.CreateHistogram(
        "netkit.request.duration", "s", "Server-side time to handle a request (tags: service; command for kv)",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Boundaries });

    /// <summary>True when something listens, so the request path reads the clock only then.</summary>
    public static bool Enabled => Duration.Enabled;

    public static void Record(long startedTimestamp, string service)
    {
        Duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("service", service));
    }

    public static void Record(long startedTimestamp, string service, string command)
    {
        var tags = new TagList { { "service", service }, { "command", command } };
        Duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
    }
}
