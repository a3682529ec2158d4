using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="TcpServiceTests"/> test on the async (pipelines) model.</summary>
public sealed class AsyncModelTests : TcpServiceTests
{
    protected override ConnectionModel Model => ConnectionModel.Async;
}
