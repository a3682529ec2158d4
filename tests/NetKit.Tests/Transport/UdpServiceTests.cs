using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Hosting;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>
/// The UDP services over real loopback sockets, written once and run on every UDP path by the subclasses
/// (<see cref="UdpAsyncModelTests"/>, <see cref="UdpEpollModelTests"/>), as the TCP suites are.
/// </summary>
public abstract class UdpServiceTests
{
    /// <summary>
    /// Datagrams a burst sends without waiting. Every one is answered, deterministically: both receive
    /// queues (the server's asks for 1 MiB, the client's below) hold far more than 200 small datagrams (about
    /// 1 KiB of kernel memory each), even at Linux's default cap of 2 × 212,992 bytes, so none is lost
    /// however late either side gets to read; and loopback frees a sender's buffer as it hands a datagram over.
    /// </summary>
    private const int BurstSize = 200;

    protected abstract ConnectionModel Model { get; }

    private INetworkServer StartServer(ServiceDefinition service) =>
        TestServers.Start(service, new ServiceSettings { Model = Model });

    private static Socket ConnectUdp(EndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.ReceiveBufferSize = 1024 * 1024;
        // Connected: only the server's datagrams are received.
        socket.Connect(server);
        return socket;
    }

    private static async Task<byte[]> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[UdpServer.MaxDatagramSize + 1];
        using var deadline = new CancellationTokenSource(LoopbackClient.Timeout);
        try
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            return buffer[..n];
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"no datagram from the server within {LoopbackClient.Timeout.TotalSeconds} s");
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(1)]
    [InlineData(UdpServer.MaxDatagramSize)]
    public async Task UdpEcho_EchoesTheDatagramWhole(int size)
    {
        await using var server = StartServer(NetKitServices.UdpEcho);
        using var client = ConnectUdp(server.LocalEndPoint);
        var datagram = new byte[size];
        new Random(size).NextBytes(datagram);

        await client.SendAsync(datagram, SocketFlags.None);

        byte[] echoed = await ReceiveAsync(client);
        TestServers.AssertSameBytes(datagram, echoed);
    }

    [Theory]
    [InlineData("TIME")]
    [InlineData("TIME\n")]
    [InlineData("TIME\r\n")]
    public async Task Time_AnswersWithTheUnixTimeInSeconds(string request)
    {
        await using var server = StartServer(NetKitServices.Time);
        using var client = ConnectUdp(server.LocalEndPoint);

        await client.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        byte[] reply = await ReceiveAsync(client);

        AssertIsNow(reply);
    }

    [Fact]
    public async Task Time_DoesNotAnswerOtherDatagrams_AndGoesOn()
    {
        await using var server = StartServer(NetKitServices.Time);
        using var client = ConnectUdp(server.LocalEndPoint);

        await client.SendAsync("HELLO"u8.ToArray(), SocketFlags.None);
        bool silent = await Task.Run(() => !client.Poll(TimeSpan.FromMilliseconds(300), SelectMode.SelectRead));
        Assert.True(silent, "the time server answered HELLO");

        await client.SendAsync("TIME"u8.ToArray(), SocketFlags.None);
        AssertIsNow(await ReceiveAsync(client));
    }

    [Fact]
    public async Task Start_OnAUdpPortInUse_ThrowsAddressInUse()
    {
        await using var server = StartServer(NetKitServices.UdpEcho);
        await using var second = ServiceFactory.Create(NetKitServices.UdpEcho, server.LocalEndPoint, new ServiceSettings { Model = Model },
            NullLoggerFactory.Instance);

        var error = Assert.Throws<NetKitException>(second.Start);

        Assert.Equal(NetErrorKind.AddressInUse, error.Kind);
    }

    [Fact]
    public async Task UdpEcho_AnswersEveryDatagramOfABurst()
    {
        await using var server = StartServer(NetKitServices.UdpEcho);
        using var client = ConnectUdp(server.LocalEndPoint);

        for (int i = 0; i < BurstSize; i++)
        {
            await client.SendAsync(Encoding.ASCII.GetBytes($"datagram {i}"), SocketFlags.None);
        }

        var replies = new HashSet<string>();
        for (int i = 0; i < BurstSize; i++)
        {
            Assert.True(replies.Add(Encoding.ASCII.GetString(await ReceiveAsync(client))), "a datagram was echoed twice");
        }

        Assert.Equal(Enumerable.Range(0, BurstSize).Select(i => $"datagram {i}").ToHashSet(), replies);
    }

    [Fact]
    public async Task UdpEcho_InterleavedSenders_EachGetOnlyTheirOwnEchoes()
    {
        await using var server = StartServer(NetKitServices.UdpEcho);
        using var first = ConnectUdp(server.LocalEndPoint);
        using var second = ConnectUdp(server.LocalEndPoint);

        // Alternated, so that one batch of the server holds datagrams of both senders.
        for (int i = 0; i < 50; i++)
        {
            await first.SendAsync(Encoding.ASCII.GetBytes($"first {i}"), SocketFlags.None);
            await second.SendAsync(Encoding.ASCII.GetBytes($"second {i} {new string('x', i)}"), SocketFlags.None);
        }

        for (int i = 0; i < 50; i++)
        {
            Assert.StartsWith("first ", Encoding.ASCII.GetString(await ReceiveAsync(first)), StringComparison.Ordinal);
            Assert.StartsWith("second ", Encoding.ASCII.GetString(await ReceiveAsync(second)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UdpEcho_OverIpv6_EchoesTheDatagramWhole()
    {
        await using var server = ServiceFactory.Create(NetKitServices.UdpEcho, new IPEndPoint(IPAddress.IPv6Loopback, 0),
            new ServiceSettings { Model = Model }, NullLoggerFactory.Instance);
        server.Start();
        using var client = ConnectUdp(server.LocalEndPoint);
        var datagram = new byte[UdpServer.MaxDatagramSize];
        new Random(6).NextBytes(datagram);

        await client.SendAsync(datagram, SocketFlags.None);

        byte[] echoed = await ReceiveAsync(client);
        TestServers.AssertSameBytes(datagram, echoed);
    }

    [Fact]
    public async Task UdpEcho_DropsADatagramLargerThanItEchoes_AndGoesOn()
    {
        // IPv6 carries up to 65,527 bytes of payload, more than the 65,507 promised whole: such a datagram
        // is dropped, never echoed cut short.
        await using var server = ServiceFactory.Create(NetKitServices.UdpEcho, new IPEndPoint(IPAddress.IPv6Loopback, 0),
            new ServiceSettings { Model = Model }, NullLoggerFactory.Instance);
        server.Start();
        using var client = ConnectUdp(server.LocalEndPoint);

        await client.SendAsync(new byte[UdpServer.MaxDatagramSize + 20], SocketFlags.None);
        await client.SendAsync("after"u8.ToArray(), SocketFlags.None);

        Assert.Equal("after", Encoding.ASCII.GetString(await ReceiveAsync(client)));
    }

    [Fact]
    public async Task Stop_ReleasesThePort()
    {
        var server = StartServer(NetKitServices.UdpEcho);
        var endPoint = server.LocalEndPoint;
        using (var client = ConnectUdp(endPoint))
        {
            await client.SendAsync("ping"u8.ToArray(), SocketFlags.None);
            await ReceiveAsync(client);
        }

        await server.StopAsync().WithinAsync("the UDP server's stop");
        await server.DisposeAsync();

        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        again.Bind(endPoint);
    }

    private static void AssertIsNow(byte[] reply)
    {
        string text = Encoding.ASCII.GetString(reply);
        Assert.True(reply.Length > 0 && reply.All(b => char.IsAsciiDigit((char)b)), $"not a number of seconds: '{LoopbackClient.Escape(reply)}'");
        long seconds = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(seconds, now - 2, now + 2);
    }
}
