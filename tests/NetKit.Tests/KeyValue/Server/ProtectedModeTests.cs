using System.Net;
using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue.Server;

public class ProtectedModeTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void LoopbackNeedsNoPassword(string address)
    {
        Assert.Null(ProtectedMode.Check(IPAddress.Parse(address), hasPassword: false));
    }

    // ProtectedMode.Check only looks at the address: nothing binds to or connects to these. The third is from
    // TEST-NET-1 (RFC 5737), reserved for documentation, so it can never be anyone's host.
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.0.2.10")]
    public void OtherAddressesNeedAPassword(string address)
    {
        string? refusal = ProtectedMode.Check(IPAddress.Parse(address), hasPassword: false);
        Assert.NotNull(refusal);
        Assert.StartsWith("refusing to listen on ", refusal, StringComparison.Ordinal);
        Assert.Contains("without a password", refusal, StringComparison.Ordinal);
        Assert.Contains("--requirepass", refusal, StringComparison.Ordinal);
        Assert.Contains("--requirepass-file", refusal, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", refusal, StringComparison.Ordinal);

        Assert.Null(ProtectedMode.Check(IPAddress.Parse(address), hasPassword: true));
    }

    [Fact]
    public void NamesTheAddress()
    {
        Assert.StartsWith("refusing to listen on 0.0.0.0 without", ProtectedMode.Check(IPAddress.Any, false), StringComparison.Ordinal);
        Assert.StartsWith("refusing to listen on [::] without", ProtectedMode.Check(IPAddress.IPv6Any, false), StringComparison.Ordinal);
    }
}
