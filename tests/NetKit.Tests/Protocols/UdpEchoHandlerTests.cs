using NetKit.Protocols.Echo;

namespace NetKit.Tests.Protocols;

public class UdpEchoHandlerTests
{
    private const int MaxUdpPayload = 65_507;

    [Fact]
    public void EchoesTheLargestDatagramWhole()
    {
        byte[] request = new byte[MaxUdpPayload];
        new Random(42).NextBytes(request);
        byte[] reply = new byte[MaxUdpPayload];

        int length = new UdpEchoHandler().Handle(request, reply);

        Assert.Equal(MaxUdpPayload, length);
        Assert.Equal(request, reply);
    }

    [Fact]
    public void EchoesAnEmptyDatagram()
    {
        Assert.Equal(0, new UdpEchoHandler().Handle([], new byte[MaxUdpPayload]));
    }

    [Fact]
    public void DropsRatherThanTruncates()
    {
        Assert.Equal(-1, new UdpEchoHandler().Handle(new byte[10], new byte[9]));
    }
}
