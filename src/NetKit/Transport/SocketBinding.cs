using System.Net;
using System.Net.Sockets;

namespace NetKit.Transport;

/// <summary>Creates bound sockets, turning bind failures into <see cref="NetKitException"/>s of a known kind.</summary>
internal static class SocketBinding
{
    public static Socket Listen(IPEndPoint endPoint, SocketType type, ProtocolType protocol, int backlog)
    {
        var socket = new Socket(endPoint.AddressFamily, type, protocol);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            if (type == SocketType.Stream)
            {
                socket.Listen(backlog);
            }

            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw NetErrors.Wrap($"cannot listen on {Format(endPoint)}", ex);
        }
    }

    public static string Format(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : endPoint.ToString();
}
