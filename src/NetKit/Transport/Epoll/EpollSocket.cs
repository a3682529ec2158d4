using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary>
/// One connection's descriptor and its place in its loop's epoll set: non-blocking receive and send, the
/// events watched, and the close. Its errors come back as errno values, never as exceptions.
/// </summary>
internal unsafe struct EpollSocket(int fd, int epollFd)
{
    /// <summary>What the peer already sent and is read away before the close, as the other models do.</summary>
    private const int CloseDrainBytes = 256 * 1024;

    private bool _watched;

    public readonly int Fd => fd;

    /// <summary>Set once a receive or send failed: the peer is gone, and the close skips the FIN and the drain.</summary>
    public bool Failed { get; private set; }

    /// <summary>Bytes received, 0 at the end of stream, -1 when none are there yet (EAGAIN), -2 on failure (<paramref name="errno"/>).</summary>
    public nint Receive(Span<byte> buffer, out int errno)
    {
        errno = 0;
        while (true)
        {
            nint n;
            fixed (byte* data = buffer)
            {
                n = LibC.recv(fd, data, buffer.Length, 0);
            }

            if (n >= 0)
            {
                return n;
            }

            errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.EINTR)
            {
                continue;
            }

            if (errno == LibC.EAGAIN)
            {
                return -1;
            }

            Failed = true;
            return -2;
        }
    }

    /// <summary>Sends until done or the socket is full; -1 when the send failed (<paramref name="errno"/>).</summary>
    public int Send(ReadOnlySpan<byte> data, out int errno)
    {
        errno = 0;
        int sent = 0;
        fixed (byte* start = data)
        {
            while (sent < data.Length)
            {
                nint n = LibC.send(fd, start + sent, data.Length - sent, LibC.MSG_NOSIGNAL);
                if (n >= 0)
                {
                    sent += (int)n;
                    continue;
                }

                errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR)
                {
                    continue;
                }

                if (errno == LibC.EAGAIN)
                {
                    break;
                }

                Failed = true;
                return -1;
            }
        }

        return sent;
    }

    /// <summary>Watches exactly <paramref name="events"/> (level-triggered); false with errno set when epoll refuses.</summary>
    public bool Watch(uint events, ulong data)
    {
        int op = _watched ? LibC.EPOLL_CTL_MOD : LibC.EPOLL_CTL_ADD;
        if (EpollEvent.Control(epollFd, op, fd, events, data) != 0)
        {
            return false;
        }

        _watched = true;
        return true;
    }

    /// <summary>Leaves the epoll set: not read, and no level-triggered hang-up to spin on.</summary>
    public void Unwatch()
    {
        if (_watched)
        {
            _watched = false;
            _ = EpollEvent.Control(epollFd, LibC.EPOLL_CTL_DEL, fd, 0, 0);
        }
    }

    /// <summary>
    /// Closes: gracefully, FIN after the last reply and the peer's input read away (a close with unread
    /// input sends a reset, which may destroy replies the peer has not read); or cut, when aborted.
    /// </summary>
    public void Close(bool cut, Span<byte> scratch)
    {
        Unwatch();
        if (cut || Failed)
        {
            _ = LibC.shutdown(fd, LibC.SHUT_RDWR);
        }
        else
        {
            NativeSocket.ShutdownAndDrain(fd, scratch, CloseDrainBytes);
        }

        _ = LibC.close(fd);
    }
}
