using System.Net;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="TcpServiceTests"/> test over IPv6 loopback (::1) on the threads model.</summary>
public sealed class Ipv6ThreadsModelTests : TcpServiceTests
{
    protected override ConnectionModel Model => ConnectionModel.Threads;

    protected override EndPoint NewEndPoint() => new IPEndPoint(IPAddress.IPv6Loopback, 0);
}
