using System.Net;
using NetKit.Connections;

namespace NetKit.Transport;

/// <summary>Settings of one TCP server. Every default is bounded: a client can never make the server
/// allocate without limit.</summary>
public sealed record TcpServerOptions
{
    /// <summary>Where to listen: an <see cref="IPEndPoint"/> (port 0 picks a free port; read
    /// <see cref="TcpServer.LocalEndPoint"/> for it) or a <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/>.</summary>
    public EndPoint EndPoint { get; init; } = new IPEndPoint(IPAddress.Loopback, 0);

    /// <summary>
    /// Serve TLS with this certificate: on <see cref="EndPoint"/>, or, when <see cref="TlsEndPoint"/> is set,
    /// on that second listener while <see cref="EndPoint"/> stays plain. A TLS listener runs its connections
    /// in the TLS model (<see cref="Tls.TlsConnection"/>) whatever <see cref="Model"/> says.
    /// </summary>
    public Tls.TlsServerOptions? Tls { get; init; }

    /// <summary>A second listener, for TLS, beside the plain <see cref="EndPoint"/> (kv's <c>--tls-port</c>,
    /// as Redis's tls-port beside its port). Needs <see cref="Tls"/>; port 0 picks a free port.</summary>
    public IPEndPoint? TlsEndPoint { get; init; }

    /// <summary>A Unix socket file's permissions (Redis's unixsocketperm), set before the first client can
    /// connect; null = what the umask gives.</summary>
    public UnixFileMode? UnixSocketPermissions { get; init; }

    /// <summary>How a plain listener runs its connections (a TLS one always runs the TLS model).</summary>
    public ConnectionModel Model { get; init; } = ConnectionModels.Default;

    /// <summary>Connections served at once; one more is accepted and closed at once. 0 = no limit.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Threads model only: connection threads at once; further connections wait in the
    /// accept backlog (they are not dropped). 0 = no cap.</summary>
    public int MaxThreads { get; init; }

    /// <summary>Epoll model only: event loops, each a thread with its own epoll instance. 0 = one per
    /// processor (<see cref="Environment.ProcessorCount"/>): a loop never blocks, so more would only take turns.</summary>
    public int EventLoops { get; init; }

    /// <summary>Close a connection that has neither received nor sent anything for this long. Zero = never.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>See <see cref="ConnectionLimits.MaxBufferedInput"/>.</summary>
    public int MaxBufferedInput { get; init; } = 1024 * 1024;

    /// <summary>On stop, how long connections get to finish their current request before they are cut.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Serve one connection, then stop (count's <c>--once</c>).</summary>
    public bool Once { get; init; }

    /// <summary>Accept backlog: connections the kernel queues while the server is busy or at its thread cap.</summary>
    public int Backlog { get; init; } = 1024;

    public bool NoDelay { get; init; } = true;

    /// <summary>The core records <c>netkit.request.duration</c> itself (kv, per command): the loop does not.</summary>
    public bool CoreTimesRequests { get; init; }

    /// <summary>See <see cref="ConnectionLimits.OutputLimit"/>.</summary>
    public OutputBufferLimit OutputLimit { get; init; } = OutputBufferLimit.Default;

    /// <summary>See <see cref="ConnectionLimits.SubscriberOutputLimit"/> (Redis's pubsub class: 32 MiB, or 8 MiB for 60 s).</summary>
    public OutputBufferLimit SubscriberOutputLimit { get; init; } = OutputBufferLimit.Subscriber;

    /// <summary>See <see cref="ConnectionLimits.MinRequestDataRate"/> (Kestrel's 240 B/s after 5 s; 0 = none).</summary>
    public double MinRequestDataRate { get; init; } = 240;

    /// <summary>See <see cref="ConnectionLimits.MinRequestDataRateGracePeriod"/>.</summary>
    public TimeSpan MinRequestDataRateGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock of the limits and of the sweep that enforces them (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Sent to a connection refused because the server is at <see cref="MaxConnections"/>, before it is
    /// closed (kv: Redis's <c>-ERR max number of clients reached</c>), so the client says why; empty = nothing.
    /// </summary>
    public ReadOnlyMemory<byte> RefusalMessage { get; init; }
}
