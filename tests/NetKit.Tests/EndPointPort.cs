using System.Net;

namespace NetKit.Tests;

/// <summary>
/// A server's <see cref="EndPoint"/> is an IP one in most tests: its port, without a cast at each use. Not an
/// extension method: <c>endPoint.Port</c> without parentheses would then compile, as a delegate.
/// </summary>
public static class EndPointPort
{
    public static int Of(EndPoint endPoint) =>
        endPoint is IPEndPoint ip ? ip.Port : throw new InvalidOperationException($"{endPoint} has no port");
}
