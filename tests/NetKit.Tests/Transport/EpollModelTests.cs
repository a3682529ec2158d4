using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="TcpServiceTests"/> test on the epoll (event loop per core, Linux) model.</summary>
public sealed class EpollModelTests : TcpServiceTests
{
    protected override ConnectionModel Model => ConnectionModel.Epoll;
}
