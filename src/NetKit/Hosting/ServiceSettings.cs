using NetKit.Protocols.Lines;
using NetKit.Connections;
using NetKit.Transport;

namespace NetKit.Hosting;

/// <summary>What a server is started with beyond its address: the connection model and the limits.</summary>
public sealed record ServiceSettings
{
    public ConnectionModel Model { get; init; } = ConnectionModels.Default;

    /// <summary>0 = no limit.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Threads model: 0 = one thread per connection without a cap.</summary>
    public int MaxThreads { get; init; }

    /// <summary>Epoll model: event loops (threads); 0 = one per processor.</summary>
    public int EventLoops { get; init; }

    /// <summary>Zero = connections never time out while idle.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.Zero;

    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>TCP: unsent output allowed per connection (see <see cref="TcpServerOptions.OutputLimit"/>).</summary>
    public OutputBufferLimit OutputLimit { get; init; } = OutputBufferLimit.Default;

    /// <summary>TCP: the same for a subscriber (see <see cref="TcpServerOptions.SubscriberOutputLimit"/>).</summary>
    public OutputBufferLimit SubscriberOutputLimit { get; init; } = OutputBufferLimit.Subscriber;

    /// <summary>TCP: bytes per second a request in progress must arrive at after 5 s; 0 = no minimum.</summary>
    public double MinRequestDataRate { get; init; } = new TcpServerOptions().MinRequestDataRate;

    /// <summary>count: serve one connection, then stop.</summary>
    public bool Once { get; init; }

    /// <summary>Line-based services: the longest line accepted.</summary>
    public int MaxLineLength { get; init; } = LinesProtocol.DefaultMaxLineLength;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>TCP: serve TLS with this certificate (the TLS model, whatever <see cref="Model"/> says); null = plain.</summary>
    public Transport.Tls.TlsServerOptions? Tls { get; init; }

    /// <summary>A Unix socket listener's file permissions (<c>--unix-socket-perm</c>); null = what the umask gives.</summary>
    public UnixFileMode? UnixSocketPermissions { get; init; }
}
