using System.Net;
using System.Net.Sockets;
using NetKit.Transport.Unix;

namespace NetKit.Transport;

/// <summary>Creates bound sockets, turning bind failures into <see cref="NetKitException"/>s of a known kind.</summary>
internal static class SocketBinding
{
    /// <param name="unixPermissions">A Unix socket file's permissions, set before it can accept; null = what the
    /// umask gives.</param>
    public static Socket Listen(EndPoint endPoint, SocketType type, int backlog, UnixFileMode? unixPermissions = null)
    {
        string operation = $"cannot listen on {Format(endPoint)}";
        var unixPath = (endPoint as UnixDomainSocketEndPoint)?.ToString();
        if (unixPath is not null)
        {
            UnixSocketFile.ClearStale(unixPath, operation);
        }

        var protocol = unixPath is not null ? ProtocolType.Unspecified
            : type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp;
        var socket = new Socket(endPoint.AddressFamily, type, protocol);
        try
        {
            if (endPoint is IPEndPoint ip && ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            if (unixPath is not null && unixPermissions is { } mode && !OperatingSystem.IsWindows())
            {
                UnixSocketFile.SetPermissions(unixPath, mode);
            }

            if (type == SocketType.Stream)
            {
                socket.Listen(backlog);
            }

            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw NetErrors.Wrap(operation, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The permissions could not be set: the socket file goes with the socket.
            socket.Dispose();
            throw NetErrors.Wrap(operation, ex);
        }
    }

    /// <summary>The endpoint as typed to reach it: <c>127.0.0.1:7878</c>, <c>[::1]:7878</c>, <c>unix:/run/kv.sock</c>.</summary>
    public static string Format(EndPoint endPoint) => HostPort.FromEndPoint(endPoint).ToString();
}
