using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="TcpServiceTests"/> test over Unix sockets on the async model.</summary>
public sealed class UnixAsyncModelTests : UnixSocketModelTests
{
    protected override ConnectionModel Model => ConnectionModel.Async;
}
