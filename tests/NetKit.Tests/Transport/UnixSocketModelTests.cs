using System.Net;
using System.Net.Sockets;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="TcpServiceTests"/> test with the servers on Unix domain sockets.</summary>
public abstract class UnixSocketModelTests : TcpServiceTests, IDisposable
{
    private readonly UnixSocketDirectory _directory = new();

    protected override EndPoint NewEndPoint() => new UnixDomainSocketEndPoint(_directory.NewPath());

    /// <summary>A server that stopped cleanly has removed its socket file: ENOENT, which .NET calls this.</summary>
    protected override SocketError NothingListens => SocketError.AddressNotAvailable;

    public void Dispose() => _directory.Dispose();
}
