using System.Net;
using System.Net.Sockets;

namespace NetKit.Transport;

/// <summary>A <see cref="Socket"/> from the async or threads model's accept loop, awaiting admission.</summary>
internal readonly struct AcceptedSocket(Socket socket) : IAcceptedSocket
{
    public Socket Socket => socket;

    public EndPoint? RemoteEndPoint => socket.RemoteEndPoint;

    public EndPoint? LocalEndPoint => socket.LocalEndPoint;

    public void SetNoDelay(bool noDelay) => socket.NoDelay = noDelay;

    public void SendRefusal(ReadOnlySpan<byte> message)
    {
        try
        {
            // A new socket's send buffer is empty, so a short message goes out without blocking; FIN then
            // follows it, and input the peer already sent is read away so the close is not a reset that
            // would destroy the message before the peer reads it.
            socket.Blocking = false;
            socket.Send(message, SocketFlags.None);
            socket.Shutdown(SocketShutdown.Send);
            Span<byte> scratch = stackalloc byte[1024];
            for (int i = 0; i < 16 && socket.Available > 0; i++)
            {
                if (socket.Receive(scratch, SocketFlags.None) <= 0)
                {
                    break;
                }
            }
        }
        catch (SocketException)
        {
        }
    }

    public void Close() => socket.Dispose();
}
