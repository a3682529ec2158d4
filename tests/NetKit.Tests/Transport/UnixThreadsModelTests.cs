using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="TcpServiceTests"/> test over Unix sockets on the threads model.</summary>
public sealed class UnixThreadsModelTests : UnixSocketModelTests
{
    protected override ConnectionModel Model => ConnectionModel.Threads;
}
