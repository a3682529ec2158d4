using System.Net.Sockets;

namespace NetKit.Transport.Unix;

/// <summary>
/// A client's Unix datagram socket. Unlike UDP, an unbound one has no address a reply could go to, so it is
/// bound first: to a name in Linux's abstract namespace, which leaves no file behind and vanishes with the
/// socket.
/// </summary>
internal static class UnixDatagramClient
{
    public static Socket Create()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                socket.Bind(new UnixDomainSocketEndPoint($"\0netkit-{Environment.ProcessId}-{Guid.NewGuid():N}"));
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
