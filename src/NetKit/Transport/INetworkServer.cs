using System.Net;

namespace NetKit.Transport;

/// <summary>A running service: a TCP or UDP server that a host can start and stop.</summary>
public interface INetworkServer : IAsyncDisposable
{
    /// <summary>The service's name, as in logs and <c>netkit serve</c>'s listing.</summary>
    string Name { get; }

    /// <summary>"tcp" (any stream server, a Unix socket one too) or "udp" (any datagram server).</summary>
    string Transport { get; }

    /// <summary>The bound endpoint, with the real port when port 0 was asked for: an <see cref="IPEndPoint"/>,
    /// or the <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/> listened on. Valid after <see cref="Start"/>.</summary>
    EndPoint LocalEndPoint { get; }

    /// <summary>Every address listened on (kv may serve TLS on a second one), valid after <see cref="Start"/>.</summary>
    IReadOnlyList<ServerListener> Listeners { get; }

    /// <summary>Binds and starts serving. Throws <see cref="NetKitException"/> (e.g. address in use).</summary>
    void Start();

    /// <summary>Completes when the server has stopped: after <see cref="StopAsync"/>, or by itself (count's --once).</summary>
    Task Completion { get; }

    /// <summary>Stops accepting, lets connections finish their current request within the grace period, then cuts the rest.</summary>
    Task StopAsync(CancellationToken cancellationToken = default);
}
