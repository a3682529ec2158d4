using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary>What the epoll model does to a bare socket descriptor beyond one system call: addresses, errors, closing.</summary>
internal static unsafe class NativeSocket
{
    /// <summary>Room for any <c>sockaddr</c> (<c>sockaddr_storage</c>).</summary>
    public const int AddressSize = 128;

    private const ushort AfInet = 2;
    private const ushort AfInet6 = 10;

    /// <summary>The descriptor's own address (getsockname), null when it cannot be read.</summary>
    public static IPEndPoint? LocalEndPoint(int fd)
    {
        byte* address = stackalloc byte[AddressSize];
        uint length = AddressSize;
        return LibC.getsockname(fd, address, &length) == 0 ? ReadEndPoint(address, length) : null;
    }

    /// <summary>A <c>sockaddr_in</c> or <c>sockaddr_in6</c> as an endpoint, as <see cref="Socket.RemoteEndPoint"/> gives it.</summary>
    public static IPEndPoint? ReadEndPoint(byte* address, uint length)
    {
        var bytes = new ReadOnlySpan<byte>(address, (int)Math.Min(length, AddressSize));
        if (bytes.Length < 8)
        {
            return null;
        }

        ushort family = MemoryMarshal.Read<ushort>(bytes);
        int port = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        if (family == AfInet)
        {
            return new IPEndPoint(new IPAddress(bytes.Slice(4, 4)), port);
        }

        if (family == AfInet6 && bytes.Length >= 28)
        {
            uint scope = MemoryMarshal.Read<uint>(bytes[24..]);
            return new IPEndPoint(new IPAddress(bytes.Slice(8, 16), scope), port);
        }

        return null;
    }

    public static void SetNoDelay(int fd, bool noDelay)
    {
        int on = noDelay ? 1 : 0;
        if (LibC.setsockopt(fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, &on, sizeof(int)) != 0)
        {
            throw new SocketException((int)ToSocketError(Marshal.GetLastPInvokeError()));
        }
    }

    /// <summary>
    /// FIN after the last reply, then what the peer already sent read away (never waiting for more, up to a
    /// bound): closing with unread input makes the kernel send a reset, which may destroy replies the peer
    /// has not read yet. <paramref name="scratch"/> receives what is discarded.
    /// </summary>
    public static void ShutdownAndDrain(int fd, Span<byte> scratch, int budget)
    {
        if (LibC.shutdown(fd, LibC.SHUT_WR) != 0)
        {
            return;
        }

        fixed (byte* buffer = scratch)
        {
            while (budget > 0)
            {
                nint n = LibC.recv(fd, buffer, scratch.Length, LibC.MSG_DONTWAIT);
                if (n <= 0)
                {
                    return;
                }

                budget -= (int)n;
            }
        }
    }

    /// <summary>The <see cref="SocketError"/> the runtime would report for a Linux errno, for the kinds that matter.</summary>
    public static SocketError ToSocketError(int errno) => errno switch
    {
        LibC.ECONNRESET => SocketError.ConnectionReset,
        LibC.EPIPE => SocketError.Shutdown,
        LibC.ECONNABORTED => SocketError.ConnectionAborted,
        LibC.ETIMEDOUT => SocketError.TimedOut,
        LibC.EHOSTUNREACH => SocketError.HostUnreachable,
        LibC.ENETUNREACH => SocketError.NetworkUnreachable,
        LibC.ENETDOWN => SocketError.NetworkDown,
        LibC.EMFILE or LibC.ENFILE => SocketError.TooManyOpenSockets,
        LibC.ENOBUFS or LibC.ENOMEM => SocketError.NoBufferSpaceAvailable,
        LibC.EINTR => SocketError.Interrupted,
        LibC.EAGAIN => SocketError.WouldBlock,
        _ => SocketError.SocketError,
    };

    /// <summary>How a failed receive or send is logged, in the words the other models use.</summary>
    public static string Describe(int errno) => NetErrors.Describe(NetErrors.Classify(ToSocketError(errno)));
}
