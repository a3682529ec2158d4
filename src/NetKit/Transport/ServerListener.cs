using System.Net;

namespace NetKit.Transport;

/// <summary>One address a server listens on: an IP endpoint or a Unix socket, plain or TLS.</summary>
public sealed record ServerListener(EndPoint EndPoint, bool Tls)
{
    public bool IsUnix => EndPoint is System.Net.Sockets.UnixDomainSocketEndPoint;

    /// <summary>The address as a client's <c>--connect</c> takes it.</summary>
    public HostPort Address => HostPort.FromEndPoint(EndPoint);
}
