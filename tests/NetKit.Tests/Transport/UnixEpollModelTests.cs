using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="TcpServiceTests"/> test over Unix sockets on the epoll model.</summary>
public sealed class UnixEpollModelTests : UnixSocketModelTests
{
    protected override ConnectionModel Model => ConnectionModel.Epoll;
}
