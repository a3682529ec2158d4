using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary>
/// <c>struct epoll_event</c> read and written as bytes: glibc packs it on x64 (12 bytes, the data at offset
/// 4) and aligns it elsewhere (16 bytes, the data at offset 8), so one layout in C# would be wrong somewhere.
/// </summary>
internal static unsafe class EpollEvent
{
    private static readonly bool Packed =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;

    /// <summary>Bytes between one event and the next in the array epoll_wait fills.</summary>
    public static readonly int Size = Packed ? 12 : 16;

    private static readonly int DataOffset = Packed ? 4 : 8;

    public static uint Events(byte* events, int index) => *(uint*)(events + (index * Size));

    public static ulong Data(byte* events, int index) =>
        BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(events + (index * Size) + DataOffset, 8));

    /// <summary>epoll_ctl for one descriptor; returns 0, or -1 with errno set.</summary>
    public static int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(uint*)(ev + 4) = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(ev + DataOffset, 8), data);
        return LibC.epoll_ctl(epfd, op, fd, ev);
    }
}
