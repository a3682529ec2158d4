using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary>
/// <c>struct msghdr</c> as on 64-bit Linux (x64 and arm64 alike): 56 bytes, with the padding the C compiler
/// puts after the 32-bit <c>msg_namelen</c> and <c>msg_flags</c>, which sequential layout reproduces.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MessageHeader
{
    /// <summary>The peer's <c>sockaddr</c>: filled by recvmmsg, read by sendmmsg.</summary>
    public byte* Name;

    /// <summary>In: room at <see cref="Name"/>; out: the address's length. Reset before every receive.</summary>
    public uint NameLength;

    public IoVector* Vectors;
    public nuint VectorCount;
    public void* Control;
    public nuint ControlLength;

    /// <summary>Set by the kernel on receive: <see cref="LibC.MSG_TRUNC"/> when the datagram did not fit.</summary>
    public int Flags;
}
