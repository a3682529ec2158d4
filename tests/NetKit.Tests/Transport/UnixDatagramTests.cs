using System.Net.Sockets;
using System.Text;
using NetKit.Hosting;
using NetKit.Protocols.Echo;
using NetKit.Protocols.Time;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>
/// udp-echo and time on a Unix datagram socket, on both UDP paths: replies go back to each sender's own
/// address (a name in the abstract namespace, bound by the client), whole, and only to it.
/// </summary>
public sealed class UnixDatagramTests : IDisposable
{
    private readonly UnixSocketDirectory _directory = new();

    public static TheoryData<ConnectionModel> Models => [ConnectionModel.Epoll, ConnectionModel.Async];

    private INetworkServer Start(ServiceDefinition service, ConnectionModel model, out string path)
    {
        path = _directory.NewPath(service.Name);
        return TestServers.Start(service, new ServiceSettings { Model = model }, new UnixDomainSocketEndPoint(path));
    }

    private static Socket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint($"\0netkit-test-{Guid.NewGuid():N}"));
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static async Task<byte[]> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[UdpServer.MaxDatagramSize + 1];
        using var deadline = new CancellationTokenSource(LoopbackClient.Timeout);
        int n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
        return buffer[..n];
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task UdpEcho_EchoesTheLargestDatagramWhole_ToEachSender(ConnectionModel model)
    {
        await using var server = Start(NetKitServices.UdpEcho, model, out string path);
        using var first = Connect(path);
        using var second = Connect(path);
        var datagram = new byte[UdpServer.MaxDatagramSize];
        new Random(1).NextBytes(datagram);

        for (int i = 0; i < 20; i++)
        {
            await first.SendAsync(Encoding.ASCII.GetBytes($"first {i}"), SocketFlags.None);
            await second.SendAsync(Encoding.ASCII.GetBytes($"second {i}"), SocketFlags.None);
        }

        await first.SendAsync(datagram, SocketFlags.None);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"first {i}", Encoding.ASCII.GetString(await ReceiveAsync(first)));
            Assert.Equal($"second {i}", Encoding.ASCII.GetString(await ReceiveAsync(second)));
        }

        byte[] echoed = await ReceiveAsync(first);
        TestServers.AssertSameBytes(datagram, echoed);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task TheClients_ReachBothServicesByUnixPath(ConnectionModel model)
    {
        await using var echo = Start(NetKitServices.UdpEcho, model, out string echoPath);
        await using var time = Start(NetKitServices.Time, model, out string timePath);

        Assert.Equal("over a socket file", await new UdpEchoClient(HostPort.Parse($"unix:{echoPath}", 0)).SendAsync("over a socket file"));
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(await new TimeClient(HostPort.Unix(timePath)).QueryAsync(), now - 2, now + 2);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Stop_RemovesTheSocketFile_AndAClientThenGetsOneLine(ConnectionModel model)
    {
        var server = Start(NetKitServices.UdpEcho, model, out string path);
        Assert.True(File.Exists(path));

        await server.StopAsync().WithinAsync("the datagram server's stop");
        await server.DisposeAsync();

        Assert.False(File.Exists(path));
        var error = await Assert.ThrowsAsync<NetKitException>(() => new UdpEchoClient(HostPort.Unix(path)).SendAsync("x"));
        Assert.Equal(NetErrorKind.ConnectionRefused, error.Kind);
        Assert.Equal($"no reply from unix:{path}: no such socket file", error.Message);
    }

    public void Dispose() => _directory.Dispose();
}
