using NetKit.Transport;

namespace NetKit.Load;

/// <summary>The outcome of one load run. Latencies are per request, in microseconds: in a closed loop from
/// the moment it was queued to send, in an open loop from the moment it was due, to the last byte of its
/// reply.</summary>
public sealed record LoadReport
{
    public required LoadOptions Options { get; init; }

    /// <summary>The engine that ran.</summary>
    public required LoadEngine Engine { get; init; }

    /// <summary>Connections that were opened and ran their loop.</summary>
    public required int ConnectionsOpened { get; init; }

    /// <summary>Connection attempts that failed before the load started (refused, timed out, ...).</summary>
    public required int ConnectFailures { get; init; }

    /// <summary>The first connection failure, for the error line; null when every connection opened.</summary>
    public NetKitException? FirstConnectError { get; init; }

    /// <summary>Requests answered, with the right reply, inside the measured window (after the warm-up, before the end).</summary>
    public required long Requests { get; init; }

    /// <summary>The measured window's length in seconds: the duration, or less when the run was stopped early.</summary>
    public required double MeasuredSeconds { get; init; }

    /// <summary>Failures while running: a wrong reply, the server closing or resetting a connection, a failed
    /// reconnect (count). Each ends its connection.</summary>
    public required long Errors { get; init; }

    /// <summary>Requests that got no reply within <see cref="LoadOptions.RequestTimeout"/>, during the run or
    /// the drain after it.</summary>
    public required long TimedOut { get; init; }

    /// <summary>The first of <see cref="Errors"/> or <see cref="TimedOut"/>; null when there were none.</summary>
    public NetKitException? FirstError { get; init; }

    /// <summary>Every measured request's latency.</summary>
    public required LatencyHistogram Latency { get; init; }

    /// <summary>CPU seconds <see cref="LoadOptions.ServerPid"/> used during the measured window; null when not asked for or unreadable.</summary>
    public double? ServerCpuSeconds { get; init; }

    /// <summary>CPU seconds this process (the generator) used during the measured window.</summary>
    public double? GeneratorCpuSeconds { get; init; }

    public double RequestsPerSecond => MeasuredSeconds > 0 ? Requests / MeasuredSeconds : 0;

    /// <summary>Requests per second of server CPU: on a shared machine, the figure that does not depend on
    /// how much CPU the server happened to get.</summary>
    public double? RequestsPerServerCpuSecond => ServerCpuSeconds is > 0 ? Requests / ServerCpuSeconds.Value : null;

    /// <summary>Nothing was answered: every request failed, timed out, or none could be sent.</summary>
    public bool AllFailed => Requests == 0;

    public long P50Microseconds => Latency.ValueAtPercentile(50);

    public long P90Microseconds => Latency.ValueAtPercentile(90);

    public long P99Microseconds => Latency.ValueAtPercentile(99);

    public long P999Microseconds => Latency.ValueAtPercentile(99.9);

    public long P9999Microseconds => Latency.ValueAtPercentile(99.99);

    public long MaxMicroseconds => Latency.Max;
}
