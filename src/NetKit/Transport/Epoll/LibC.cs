using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary>
/// The Linux system calls the epoll model makes, straight into libc (the signatures as Tmds.LibC and the
/// runtime's own System.Native shims declare them). The constants are Linux's generic values, the same on
/// x64 and arm64; errors are read with <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static unsafe partial class LibC
{
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLEXCLUSIVE = 1u << 28;

    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;

    public const int MSG_TRUNC = 0x20;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int SHUT_WR = 1;
    public const int SHUT_RDWR = 2;
    public const int IPPROTO_TCP = 6;
    public const int TCP_NODELAY = 1;

    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int EPIPE = 32;
    public const int EPROTO = 71;
    public const int ENETDOWN = 100;
    public const int ENETUNREACH = 101;
    public const int ECONNABORTED = 103;
    public const int ECONNRESET = 104;
    public const int ENOBUFS = 105;
    public const int ETIMEDOUT = 110;
    public const int EHOSTUNREACH = 113;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int accept4(int sockfd, byte* addr, uint* addrlen, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int getsockname(int sockfd, byte* addr, uint* addrlen);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recv(int sockfd, byte* buf, nint len, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint send(int sockfd, byte* buf, nint len, int flags);

    /// <summary>Up to <paramref name="vlen"/> datagrams in one call; with MSG_DONTWAIT it returns what is queued.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int recvmmsg(int sockfd, MultiMessageHeader* msgvec, uint vlen, int flags, void* timeout);

    /// <summary>Sends datagrams in order until one fails; returns how many went, -1 only when the first failed.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int sendmmsg(int sockfd, MultiMessageHeader* msgvec, uint vlen, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int shutdown(int sockfd, int how);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setsockopt(int sockfd, int level, int optname, void* optval, uint optlen);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, void* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(DescriptorHandle fd, void* buf, nint count);
}
