using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary><c>struct mmsghdr</c> as on 64-bit Linux (x64 and arm64 alike): 64 bytes, one per datagram of a batch.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MultiMessageHeader
{
    public MessageHeader Header;

    /// <summary>Set by the kernel: the bytes received or sent for this datagram.</summary>
    public uint Length;
}
