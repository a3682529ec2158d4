using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using NetKit.Transport;

namespace NetKit.Load;

/// <summary>The Linux system calls the epoll engine makes directly: epoll itself, and send/recv/shutdown/
/// getsockopt on a socket's descriptor, so a ready socket costs one system call and nothing else.</summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class LinuxSocketCalls
{
    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const int EpollCtlMod = 3;
    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const int EpollCloexec = 0x80000;

    // MSG_DONTWAIT makes each call non-blocking whatever the descriptor's mode; MSG_NOSIGNAL turns a send
    // to a closed peer into EPIPE instead of a SIGPIPE.
    public const int MsgDontWait = 0x40;
    public const int MsgNoSignal = 0x4000;
    public const int ShutWr = 1;

    public const int EIntr = 4;
    public const int EAgain = 11;

    private const int SolSocket = 1;
    private const int SoError = 4;

    /// <summary>x86-64 packs <c>struct epoll_event</c> (12 bytes, data at 4); other architectures align its
    /// 64-bit data (16 bytes, data at 8).</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int DataOffset = EventSize == 12 ? 4 : 8;

    public static int Control(int epoll, int op, int fd, uint events, ulong data)
    {
        byte* ev = stackalloc byte[16];
        Unsafe.WriteUnaligned(ev, events);
        Unsafe.WriteUnaligned(ev + DataOffset, data);
        return epoll_ctl(epoll, op, fd, ev);
    }

    public static uint EventsAt(byte* events, int i) => Unsafe.ReadUnaligned<uint>(events + (i * EventSize));

    public static ulong DataAt(byte* events, int i) => Unsafe.ReadUnaligned<ulong>(events + (i * EventSize) + DataOffset);

    /// <summary>The error a non-blocking connect ended with (0 = connected), or the call's own errno.</summary>
    public static int PendingError(int fd)
    {
        int value = 0;
        int length = sizeof(int);
        return getsockopt(fd, SolSocket, SoError, &value, &length) == 0 ? value : Marshal.GetLastPInvokeError();
    }

    /// <summary>Linux errno values as NetKit's kinds (the runtime's own mapping is not public).</summary>
    public static NetErrorKind KindOf(int errno) => errno switch
    {
        111 => NetErrorKind.ConnectionRefused,          // ECONNREFUSED
        110 => NetErrorKind.TimedOut,                   // ETIMEDOUT
        104 or 32 or 103 => NetErrorKind.ConnectionReset, // ECONNRESET, EPIPE, ECONNABORTED
        113 or 101 or 112 or 100 => NetErrorKind.HostUnreachable, // EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN
        13 or 1 => NetErrorKind.PermissionDenied,       // EACCES, EPERM
        99 or 97 => NetErrorKind.BadAddress,            // EADDRNOTAVAIL, EAFNOSUPPORT
        _ => NetErrorKind.Other,
    };

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int shutdown(int fd, int how);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int name, int* value, int* length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);
}
