using System.Net;
using NetKit.Connections;
using NetKit.KeyValue.Persistence;
using NetKit.Transport;

namespace NetKit.KeyValue;

/// <summary>
/// What a <see cref="KeyValueServer"/> is started with. Every limit is bounded by default; the defaults are
/// <c>netkit kv serve</c>'s, except that the port may be 0 (any free one) for tests.
/// </summary>
public sealed record KeyValueServerOptions
{
    public const int DefaultPort = 7881;

    /// <summary>The address to listen on; when null, 127.0.0.1 and <see cref="Port"/>.</summary>
    public IPEndPoint? EndPoint { get; init; }

    /// <summary>The loopback port to listen on when <see cref="EndPoint"/> is null; 0 = any free port.</summary>
    public int Port { get; init; } = DefaultPort;

    public ConnectionModel Model { get; init; } = ConnectionModels.Default;

    /// <summary>Where the append-only log lives (created if missing); null = in memory only.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>When the log is forced to disk; ignored in memory.</summary>
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.EverySecond;

    /// <summary>Truncate a log damaged before its end (losing what follows) instead of refusing to start.</summary>
    public bool RepairLog { get; init; }

    /// <summary>The password clients must AUTH with first; null = none (then only loopback may be listened on).</summary>
    public string? RequirePass { get; init; }

    /// <summary>How many databases SELECT can choose from (Redis's <c>databases</c>).</summary>
    public int Databases { get; init; } = KeyValueStore.DefaultDatabases;

    /// <summary>Bytes of keys and values beyond which writes that add data get <c>-OOM</c>; 0 = no limit.</summary>
    public long MaxMemory { get; init; }

    /// <summary>The longest key or value a RESP request may carry (Redis's proto-max-bulk-len).</summary>
    public long MaxBulkLength { get; init; } = new KeyValueOptions().MaxBulkLength;

    /// <summary>The longest inline (text) request line, in bytes.</summary>
    public int MaxLineLength { get; init; } = KeyValueProtocol.DefaultMaxLineLength;

    /// <summary>How inline commands are answered (<c>--inline-replies</c>): text until the connection speaks RESP, or RESP always.</summary>
    public InlineReplyMode InlineReplies { get; init; }

    /// <summary>Connections served at once (Redis's maxclients); 0 = no limit.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Threads model: 0 = one thread per connection without a cap.</summary>
    public int MaxThreads { get; init; }

    /// <summary>Epoll model: event loops (threads); 0 = one per processor.</summary>
    public int EventLoops { get; init; }

    /// <summary>Zero = connections never time out while idle.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>How long stopping waits for connections to finish their current request before cutting them.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Unsent output allowed per connection (see <see cref="TcpServerOptions.OutputLimit"/>).</summary>
    public OutputBufferLimit OutputLimit { get; init; } = OutputBufferLimit.Default;

    /// <summary>Bytes per second a request in progress must arrive at after 5 s; 0 = no minimum.</summary>
    public double MinRequestDataRate { get; init; } = new TcpServerOptions().MinRequestDataRate;

    /// <summary>The listener's clock (idle timeouts, the minimum data rate); tests give a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>An in-memory keyspace to serve instead of a new one, so tests can see what one server left
    /// for the next; not with <see cref="DataDirectory"/>, whose log is replayed into an empty store.</summary>
    internal KeyValueStore? Store { get; init; }

    /// <summary>The address listened on.</summary>
    public IPEndPoint ListenEndPoint => EndPoint ?? new IPEndPoint(IPAddress.Loopback, Port);
}
