using NetKit.Transport;

namespace NetKit.Load;

/// <summary>Settings of one closed-loop load run: every connection sends one request, waits for the whole
/// reply, and only then sends the next, so each round trip's time is a real per-request latency.</summary>
public sealed record LoadOptions
{
    /// <summary>The largest message: a closed loop sends a whole request before it reads, so a message larger
    /// than the socket buffers could deadlock client and server; 64 KiB is also the lines service's limit.</summary>
    public const int MaxMessageSize = 64 * 1024;

    public required HostPort Target { get; init; }

    public LoadPayload Payload { get; init; } = LoadPayload.Echo;

    /// <summary>Connections open at once, each running its own closed loop.</summary>
    public int Connections { get; init; } = 100;

    /// <summary>How long round trips are measured, after the warm-up.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Load sent before measuring starts, so JIT tiering, pool growth and TCP slow start on both
    /// ends do not show up in the numbers.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes per request and per reply (for <see cref="LoadPayload.Lines"/>, including the <c>\n</c>).</summary>
    public int MessageSize { get; init; } = 64;

    /// <summary>Per connection attempt.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Connection attempts in flight at once: opening 1,000 connections at once would overflow
    /// the server's accept backlog and turn into SYN retries that look like one-second latencies.</summary>
    public int ConnectConcurrency { get; init; } = 64;

    /// <summary>How long a round trip may still take after the run's end before it counts as timed out;
    /// this bounds the run when a server stops answering.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Stop after this many round trips in total, warm-up included. 0 = only the duration bounds the run.</summary>
    public long MaxRoundTrips { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range, in words a
    /// command line can show as they are.</summary>
    public void Validate()
    {
        if (Connections is < 1 or > 100_000)
        {
            throw new ArgumentException($"connections must be between 1 and 100000 (got {Connections})");
        }

        if (MessageSize < 1 || MessageSize > MaxMessageSize)
        {
            throw new ArgumentException($"size must be between 1 and {MaxMessageSize} bytes (got {MessageSize})");
        }

        if (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromHours(24))
        {
            throw new ArgumentException($"duration must be more than 0 s and at most 24 h (got {Duration.TotalSeconds} s)");
        }

        if (Warmup < TimeSpan.Zero || Warmup > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"warmup must be between 0 s and 1 h (got {Warmup.TotalSeconds} s)");
        }

        if (ConnectTimeout <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("timeouts must be positive");
        }

        if (ConnectConcurrency < 1)
        {
            throw new ArgumentException($"connect concurrency must be at least 1 (got {ConnectConcurrency})");
        }

        if (MaxRoundTrips < 0)
        {
            throw new ArgumentException($"max round trips must not be negative (got {MaxRoundTrips})");
        }
    }
}
