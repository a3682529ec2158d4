using System.Net;

namespace NetKit.Transport;

/// <summary>Settings of one UDP server.</summary>
public sealed record UdpServerOptions
{
    /// <summary>Where to listen: an <see cref="IPEndPoint"/> (port 0 picks a free port; read
    /// <see cref="UdpServer.LocalEndPoint"/> for it) or a <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/>
    /// (a datagram socket file; clients must bind an address of their own to get replies).</summary>
    public EndPoint EndPoint { get; init; } = new IPEndPoint(IPAddress.Loopback, 0);

    /// <summary>A Unix socket file's permissions, as for <see cref="TcpServerOptions.UnixSocketPermissions"/>.</summary>
    public UnixFileMode? UnixSocketPermissions { get; init; }

    /// <summary>
    /// <see cref="ConnectionModel.Epoll"/> (Linux): a loop thread of its own with recvmmsg/sendmmsg batches.
    /// Any other model runs the portable async receive loop (UDP has no connections to give threads to).
    /// </summary>
    public ConnectionModel Model { get; init; } = ConnectionModels.Default;

    /// <summary>Kernel receive buffer: room for bursts of datagrams while the loop is busy.</summary>
    public int ReceiveBufferSize { get; init; } = 1024 * 1024;
}
