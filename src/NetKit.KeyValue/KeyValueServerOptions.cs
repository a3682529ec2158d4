using System.Net;
using NetKit.Connections;
using NetKit.KeyValue.Persistence;
using NetKit.Transport;
using NetKit.Transport.Tls;

namespace NetKit.KeyValue;

/// <summary>
/// What a <see cref="KeyValueServer"/> is started with. Every limit is bounded by default; the defaults are
/// <c>netkit kv serve</c>'s, except that the port may be 0 (any free one) for tests.
/// </summary>
public sealed record KeyValueServerOptions
{
    public const int DefaultPort = 7881;

    /// <summary>The address to listen on, an <see cref="IPEndPoint"/> or a
    /// <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/>; when null, 127.0.0.1 and <see cref="Port"/>.</summary>
    public EndPoint? EndPoint { get; init; }

    /// <summary>The loopback port to listen on when <see cref="EndPoint"/> is null; 0 = any free port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Serve TLS with this certificate: on <see cref="TlsPort"/> beside the plain port when it is set,
    /// otherwise on the one listener itself (so TLS only). Null = no TLS.</summary>
    public TlsServerOptions? Tls { get; init; }

    /// <summary>A TLS port beside the plain one, on the same IP address (Redis's tls-port); 0 = any free port.
    /// Needs <see cref="Tls"/>. Null = none.</summary>
    public int? TlsPort { get; init; }

    /// <summary>The socket file's permissions when <see cref="EndPoint"/> is a Unix socket (Redis's
    /// unixsocketperm); null = what the umask gives.</summary>
    public UnixFileMode? UnixSocketPermissions { get; init; }

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

    /// <summary>Which keyspace events are published, in Redis's letters (<c>notify-keyspace-events</c>); empty = none.</summary>
    public string NotifyKeyspaceEvents { get; init; } = "";

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

    /// <summary>Unsent output and queued messages allowed per subscriber (Redis's pubsub class, see
    /// <see cref="TcpServerOptions.SubscriberOutputLimit"/>).</summary>
    public OutputBufferLimit SubscriberOutputLimit { get; init; } = OutputBufferLimit.Subscriber;

    /// <summary>Bytes per second a request in progress must arrive at after 5 s; 0 = no minimum.</summary>
    public double MinRequestDataRate { get; init; } = new TcpServerOptions().MinRequestDataRate;

    /// <summary>The listener's clock (idle timeouts, the minimum data rate); tests give a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>An in-memory keyspace to serve instead of a new one, so tests can see what one server left
    /// for the next; not with <see cref="DataDirectory"/>, whose log is replayed into an empty store.</summary>
    internal KeyValueStore? Store { get; init; }

    /// <summary>The address listened on.</summary>
    public EndPoint ListenEndPoint => EndPoint ?? new IPEndPoint(IPAddress.Loopback, Port);

    /// <summary>The TLS listener's address beside the plain one, or null.</summary>
    /// <exception cref="ArgumentException">A TLS port without a certificate, or beside a Unix socket.</exception>
    public IPEndPoint? TlsListenEndPoint
    {
        get
        {
            if (TlsPort is not { } port)
            {
                return null;
            }

            if (Tls is null)
            {
                throw new ArgumentException("a TLS port needs a TLS certificate (Tls)");
            }

            return ListenEndPoint is IPEndPoint ip
                ? new IPEndPoint(ip.Address, port)
                : throw new ArgumentException("a TLS port listens on the IP address of EndPoint, and EndPoint is a Unix socket");
        }
    }
}
