using System.Net;

namespace NetKit.Transport;

/// <summary>Settings of one UDP server.</summary>
public sealed record UdpServerOptions
{
    /// <summary>Where to listen. Port 0 picks a free port; read <see cref="UdpServer.LocalEndPoint"/> for it.</summary>
    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>
    /// <see cref="ConnectionModel.Epoll"/> (Linux): a loop thread of its own with recvmmsg/sendmmsg batches.
    /// Any other model runs the portable async receive loop (UDP has no connections to give threads to).
    /// </summary>
    public ConnectionModel Model { get; init; } = ConnectionModels.Default;

    /// <summary>Kernel receive buffer: room for bursts of datagrams while the loop is busy.</summary>
    public int ReceiveBufferSize { get; init; } = 1024 * 1024;
}
