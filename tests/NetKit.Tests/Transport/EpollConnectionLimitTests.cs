using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="ConnectionLimitTests"/> test on the epoll model.</summary>
public sealed class EpollConnectionLimitTests : ConnectionLimitTests
{
    protected override ConnectionModel Model => ConnectionModel.Epoll;
}
