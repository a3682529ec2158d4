using System.Net;
using System.Net.Sockets;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>The addresses --bind and --connect take: IPv4, IPv6 in brackets, names, and unix:PATH.</summary>
public sealed class HostPortTests
{
    [Theory]
    [InlineData("127.0.0.1:7878", "127.0.0.1", 7878)]
    [InlineData("[::1]:7878", "::1", 7878)]
    [InlineData("[::1]", "::1", 99)]
    [InlineData("::1", "::1", 99)]
    [InlineData("localhost:0", "localhost", 0)]
    [InlineData(":7878", "127.0.0.1", 7878)]
    [InlineData("7878", "127.0.0.1", 7878)]
    public void HostAndPort(string text, string host, int port)
    {
        var address = HostPort.Parse(text, 99);

        Assert.False(address.IsUnix);
        Assert.Equal(new HostPort(host, port), address);
    }

    [Theory]
    [InlineData("unix:/run/netkit/kv.sock", "/run/netkit/kv.sock")]
    [InlineData("unix:relative.sock", "relative.sock")]
    [InlineData("unix:/with:colons:7878", "/with:colons:7878")]
    public void UnixPath(string text, string path)
    {
        var address = HostPort.Parse(text, 99);

        Assert.True(address.IsUnix);
        Assert.Equal(path, address.UnixPath);
        Assert.Equal(text, address.ToString());
        Assert.Equal(path, Assert.IsType<UnixDomainSocketEndPoint>(address.ToBindEndPoint()).ToString());
    }

    [Fact]
    public void APathTooLongForSunPath_IsABadAddress()
    {
        string tooLong = "unix:/" + new string('a', 107);
        Assert.True(HostPort.TryParse("unix:/" + new string('a', 106), 0, HostPort.DefaultHost, out _));

        var error = Assert.Throws<NetKitException>(() => HostPort.Parse(tooLong, 0));

        Assert.Equal(NetErrorKind.BadAddress, error.Kind);
        Assert.Equal($"invalid address '{tooLong}': expected unix:PATH with a path of 1 to 107 bytes", error.Message);
        Assert.False(HostPort.TryParse("unix:", 0, HostPort.DefaultHost, out _));
    }

    [Fact]
    public void FromEndPoint_GivesWhatAClientTypes()
    {
        Assert.Equal("127.0.0.1:7878", HostPort.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 7878)).ToString());
        Assert.Equal("[::1]:7878", HostPort.FromEndPoint(new IPEndPoint(IPAddress.IPv6Loopback, 7878)).ToString());
        Assert.Equal("unix:/tmp/a.sock", HostPort.FromEndPoint(new UnixDomainSocketEndPoint("/tmp/a.sock")).ToString());
    }

    [Fact]
    public async Task AUnixAddressHasNoIpToResolve()
    {
        var error = await Assert.ThrowsAsync<NetKitException>(() => HostPort.Unix("/tmp/a.sock").ResolveAsync(CancellationToken.None));

        Assert.Equal(NetErrorKind.BadAddress, error.Kind);
    }
}
