using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="TcpServiceTests"/> test on the threads (one thread per connection) model.</summary>
public sealed class ThreadsModelTests : TcpServiceTests
{
    protected override ConnectionModel Model => ConnectionModel.Threads;
}
