using System.Net;

namespace NetKit.Transport;

/// <summary>Settings of one UDP server.</summary>
public sealed record UdpServerOptions
{
    /// <summary>Where to listen. Port 0 picks a free port; read <see cref="UdpServer.LocalEndPoint"/> for it.</summary>
    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Kernel receive buffer: room for bursts of datagrams while the loop is busy.</summary>
    public int ReceiveBufferSize { get; init; } = 1024 * 1024;
}
