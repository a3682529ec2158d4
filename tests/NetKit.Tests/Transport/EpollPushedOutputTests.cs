using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="PushedOutputTests"/> test on the epoll model.</summary>
public sealed class EpollPushedOutputTests : PushedOutputTests
{
    protected override ConnectionModel Model => ConnectionModel.Epoll;
}
