using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary><c>struct iovec</c> as on 64-bit Linux (x64 and arm64 alike): 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVector
{
    public byte* Base;
    public nuint Length;
}
