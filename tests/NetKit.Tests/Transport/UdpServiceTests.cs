using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Hosting;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>The UDP services over real loopback sockets.</summary>
public sealed class UdpServiceTests
{
    private static Socket ConnectUdp(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.ReceiveBufferSize = 256 * 1024;
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
        await using var server = TestServers.Start(NetKitServices.UdpEcho, new ServiceSettings());
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
        await using var server = TestServers.Start(NetKitServices.Time, new ServiceSettings());
        using var client = ConnectUdp(server.LocalEndPoint);

        await client.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        byte[] reply = await ReceiveAsync(client);

        AssertIsNow(reply);
    }

    [Fact]
    public async Task Time_DoesNotAnswerOtherDatagrams_AndGoesOn()
    {
        await using var server = TestServers.Start(NetKitServices.Time, new ServiceSettings());
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
        await using var server = TestServers.Start(NetKitServices.UdpEcho, new ServiceSettings());
        await using var second = ServiceFactory.Create(NetKitServices.UdpEcho, server.LocalEndPoint, new ServiceSettings(),
            NullLoggerFactory.Instance);

        var error = Assert.Throws<NetKitException>(second.Start);

        Assert.Equal(NetErrorKind.AddressInUse, error.Kind);
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
