using System.Net;

namespace NetKit.Tests;

/// <summary>A server's <see cref="EndPoint"/> is an IP one in most tests: its port, without a cast at each use.</summary>
public static class EndPointExtensions
{
    public static int Port(this EndPoint endPoint) =>
        endPoint is IPEndPoint ip ? ip.Port : throw new InvalidOperationException($"{endPoint} has no port");
}
