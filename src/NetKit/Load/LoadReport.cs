using NetKit.Transport;

namespace NetKit.Load;

/// <summary>The outcome of one load run. Latencies are per round trip, measured from just before the
/// request is sent to the moment the last byte of its reply is in, in microseconds.</summary>
public sealed record LoadReport
{
    public required LoadOptions Options { get; init; }

    /// <summary>Connections that were opened and ran their loop.</summary>
    public required int ConnectionsOpened { get; init; }

    /// <summary>Connection attempts that failed (refused, timed out, ...).</summary>
    public required int ConnectFailures { get; init; }

    /// <summary>The first connection failure, for the error line; null when every connection opened.</summary>
    public NetKitException? FirstConnectError { get; init; }

    /// <summary>Round trips completed inside the measured window (after the warm-up, before the end).</summary>
    public required long RoundTrips { get; init; }

    /// <summary>The measured window's length in seconds: the duration, or less when the run was stopped early.</summary>
    public required double MeasuredSeconds { get; init; }

    /// <summary>Connections that failed while running: reset, closed early, wrong reply, or a round trip
    /// still unanswered <see cref="LoadOptions.RequestTimeout"/> after the end.</summary>
    public required int Errors { get; init; }

    /// <summary>The first of <see cref="Errors"/>; null when there were none.</summary>
    public NetKitException? FirstError { get; init; }

    /// <summary>Every measured round trip's latency.</summary>
    public required LatencyHistogram Latency { get; init; }

    public double RoundTripsPerSecond => MeasuredSeconds > 0 ? RoundTrips / MeasuredSeconds : 0;

    public long P50Microseconds => Latency.ValueAtPercentile(50);

    public long P99Microseconds => Latency.ValueAtPercentile(99);

    public long P999Microseconds => Latency.ValueAtPercentile(99.9);

    public long MaxMicroseconds => Latency.Max;
}
