using System.Runtime.CompilerServices;

namespace NetKit.Connections;

/// <summary>
/// What the connection loop enforces on every connection, whichever model drives it. Every default is
/// bounded, each for the reason given: a client can never make the server hold without limit.
/// </summary>
public sealed record ConnectionLimits
{
    // A limit is three words: boxed, so a change made while connections run (CONFIG SET) is read whole.
    private StrongBox<OutputBufferLimit> _outputLimit = new(OutputBufferLimit.Default);
    private StrongBox<OutputBufferLimit> _subscriberOutputLimit = new(OutputBufferLimit.Subscriber);

    /// <summary>Unconsumed input a connection may buffer before it is closed: the cores keep their own
    /// smaller limits (a line, a bulk string); this one guards against a core that consumes nothing.
    /// Kestrel's default too: unbounded buffering "is a security risk".</summary>
    public int MaxBufferedInput { get; init; } = 1024 * 1024;

    /// <summary>Close a connection that has neither received nor sent anything for this long. Zero = never.
    /// Settable while connections run (kv's CONFIG SET timeout): a TimeSpan is one word, read whole by the sweep.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Unsent replies a connection may hold (see <see cref="OutputBufferLimit"/>). Settable while connections run.</summary>
    public OutputBufferLimit OutputLimit
    {
        get => Volatile.Read(ref _outputLimit).Value;
        set => Volatile.Write(ref _outputLimit, new StrongBox<OutputBufferLimit>(value));
    }

    /// <summary>
    /// The same for a connection whose core lives on pushed output (<see cref="ConnectionOutbox.Subscriber"/>),
    /// its unsent replies and its queued messages counted together: Redis's pubsub class. Settable while connections run.
    /// </summary>
    public OutputBufferLimit SubscriberOutputLimit
    {
        get => Volatile.Read(ref _subscriberOutputLimit).Value;
        set => Volatile.Write(ref _subscriberOutputLimit, new StrongBox<OutputBufferLimit>(value));
    }

    /// <summary>
    /// The slowest a request in progress (a partial line, a partial RESP frame) may arrive, in bytes per
    /// second, once <see cref="MinRequestDataRateGracePeriod"/> has passed; a slower connection is closed.
    /// Kestrel's MinRequestBodyDataRate default (240 B/s after 5 s): a peer that trickles a byte every few
    /// seconds would otherwise hold a connection slot for ever, idle timeout or not. 0 = no minimum.
    /// </summary>
    public double MinRequestDataRate { get; init; } = 240;

    /// <summary>How long a request may take before <see cref="MinRequestDataRate"/> is enforced.</summary>
    public TimeSpan MinRequestDataRateGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The service the connections belong to: the <c>service</c> tag of their metrics.</summary>
    public string Service { get; init; } = "";

    /// <summary>
    /// The loop times each run of the core into <see cref="RequestMetrics.Duration"/>. Off for a core that times
    /// its requests itself (kv, per command), so none is counted twice.
    /// </summary>
    public bool TimesRequests { get; init; } = true;

    /// <summary>The clock the limits are timed by; a test's fake clock makes them deterministic.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Now, in milliseconds on <see cref="Clock"/>'s scale (never 0, which the loop reads as "not started").</summary>
    public long NowMs() =>
        ReferenceEquals(Clock, TimeProvider.System)
            ? Environment.TickCount64
            : Clock.GetUtcNow().ToUnixTimeMilliseconds();
}
