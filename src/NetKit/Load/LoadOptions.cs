using NetKit.Transport;

namespace NetKit.Load;

/// <summary>Settings of one load run. Closed loop by default: each connection keeps <see cref="Pipeline"/>
/// requests in flight and sends the next only when a reply is in, so each time is a real per-request
/// latency. With a <see cref="Rate"/> the loop is open: requests are due on a fixed schedule whether or not
/// the server keeps up, and latency is measured from when each was due (coordinated omission corrected).</summary>
public sealed record LoadOptions
{
    /// <summary>The largest message: a closed loop sends a whole request before it reads, so a message larger
    /// than the socket buffers could deadlock client and server; 64 KiB is also the lines service's limit.</summary>
    public const int MaxMessageSize = 64 * 1024;

    /// <summary>Requests in flight per connection at most: redis-benchmark's <c>-P</c> goes to the same order.</summary>
    public const int MaxPipeline = 1024;

    /// <summary>kv keys are <c>key:</c> plus six digits, so every request of a run has the same length.</summary>
    public const int MaxKeys = 1_000_000;

    public required HostPort Target { get; init; }

    public LoadPayload Payload { get; init; } = LoadPayload.Echo;

    /// <summary>kv only: the command each request sends.</summary>
    public KvOperation KvOperation { get; init; } = KvOperation.Get;

    /// <summary>kv SET only: each request stores a value of its own instead of the same one again.</summary>
    public bool ChangingValues { get; init; }

    /// <summary>kv only: requests spread over this many keys.</summary>
    public int Keys { get; init; } = 1000;

    /// <summary>Connections open at once.</summary>
    public int Connections { get; init; } = 100;

    /// <summary>Requests in flight per connection (1 = one request, wait for its reply, then the next).</summary>
    public int Pipeline { get; init; } = 1;

    /// <summary>Requests per second in all, spread evenly over the connections: an open loop. 0 = closed loop.</summary>
    public double Rate { get; init; }

    /// <summary>How long requests are measured, after the warm-up.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Load sent before measuring starts, so JIT tiering, pool growth and TCP slow start on both
    /// ends do not show up in the numbers.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes per request and per reply for echo and lines (a line's <c>\n</c> included), bytes sent
    /// per connection for count, the value's length for kv.</summary>
    public int MessageSize { get; init; } = 64;

    /// <summary>Per connection attempt.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Connection attempts in flight at once: opening 1,000 connections at once would overflow
    /// the server's accept backlog and turn into SYN retries that look like one-second latencies.</summary>
    public int ConnectConcurrency { get; init; } = 64;

    /// <summary>How long a request may wait for its reply before it counts as timed out and its connection
    /// is closed; after the run's end this also bounds how long replies still in flight are waited for.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Stop after this many requests sent in total, warm-up included. 0 = only the duration bounds the run.</summary>
    public long MaxRequests { get; init; }

    public LoadEngine Engine { get; init; } = LoadEngine.Auto;

    /// <summary>epoll engine only: how bytes are sent and received.</summary>
    public LoadSocketIo SocketIo { get; init; } = LoadSocketIo.Libc;

    /// <summary>A process whose CPU time over the measured window is reported (the server under test); 0 = none.</summary>
    public int ServerPid { get; init; }

    /// <summary>The engine <see cref="Engine"/> resolves to on this machine.</summary>
    public LoadEngine EffectiveEngine => Engine switch
    {
        LoadEngine.Auto => OperatingSystem.IsLinux() ? LoadEngine.Epoll : LoadEngine.Async,
        _ => Engine,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range, in words a
    /// command line can show as they are.</summary>
    public void Validate()
    {
        if (Connections is < 1 or > 100_000)
        {
            throw new ArgumentException($"connections must be between 1 and 100000 (got {Connections})");
        }

        int minSize = Payload == LoadPayload.Count ? 0 : 1;
        if (MessageSize < minSize || MessageSize > MaxMessageSize)
        {
            throw new ArgumentException($"size must be between {minSize} and {MaxMessageSize} bytes (got {MessageSize})");
        }

        if (Pipeline < 1 || Pipeline > MaxPipeline)
        {
            throw new ArgumentException($"pipeline must be between 1 and {MaxPipeline} (got {Pipeline})");
        }

        if (Payload == LoadPayload.Count && Pipeline != 1)
        {
            throw new ArgumentException("count answers once per connection, so its pipeline is 1");
        }

        if (!double.IsFinite(Rate) || Rate < 0 || Rate > 100_000_000)
        {
            throw new ArgumentException($"rate must be between 0 (closed loop) and 100000000 requests/s (got {Rate})");
        }

        if (Keys < 1 || Keys > MaxKeys)
        {
            throw new ArgumentException($"keys must be between 1 and {MaxKeys} (got {Keys})");
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

        if (MaxRequests < 0)
        {
            throw new ArgumentException($"max requests must not be negative (got {MaxRequests})");
        }

        if (ServerPid < 0)
        {
            throw new ArgumentException($"server pid must not be negative (got {ServerPid})");
        }

        if (EffectiveEngine == LoadEngine.Epoll && !OperatingSystem.IsLinux())
        {
            throw new ArgumentException("the epoll engine needs Linux; use the async engine");
        }
    }
}
