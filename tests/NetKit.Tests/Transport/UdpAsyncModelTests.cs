using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="UdpServiceTests"/> test on the async receive loop (every OS).</summary>
public sealed class UdpAsyncModelTests : UdpServiceTests
{
    protected override ConnectionModel Model => ConnectionModel.Async;
}
