using System.Net;

namespace NetKit.Transport.Epoll;

/// <summary>A descriptor from accept4, awaiting admission, and the loop that will serve it if admitted.</summary>
internal readonly unsafe struct AcceptedDescriptor(int fd, IPEndPoint? remote, EpollLoop loop) : IAcceptedSocket
{
    /// <summary>What a refused peer may have sent already and is read away before the close (as the other models).</summary>
    private const int RefusalDrainBytes = 16 * 1024;

    public int Fd => fd;

    public EpollLoop Loop => loop;

    public EndPoint? RemoteEndPoint => remote;

    public EndPoint? LocalEndPoint => NativeSocket.LocalEndPoint(fd);

    public void SetNoDelay(bool noDelay) => NativeSocket.SetNoDelay(fd, noDelay);

    public void SendRefusal(ReadOnlySpan<byte> message)
    {
        // A new socket's send buffer is empty, so a short message goes out at once.
        fixed (byte* data = message)
        {
            _ = LibC.send(fd, data, message.Length, LibC.MSG_NOSIGNAL | LibC.MSG_DONTWAIT);
        }

        NativeSocket.ShutdownAndDrain(fd, stackalloc byte[1024], RefusalDrainBytes);
    }

    public void Close() => LibC.close(fd);
}
