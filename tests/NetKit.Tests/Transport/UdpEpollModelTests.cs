using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetKit.Transport;
using NetKit.Transport.Epoll;

namespace NetKit.Tests.Transport;

/// <summary>Every <see cref="UdpServiceTests"/> test on the epoll loop (recvmmsg/sendmmsg batches, Linux), and
/// the layout of the structures it hands the kernel.</summary>
public sealed class UdpEpollModelTests : UdpServiceTests
{
    protected override ConnectionModel Model => ConnectionModel.Epoll;

    [Fact]
    public void BatchStructures_AreLaidOutAsOn64BitLinux()
    {
        // glibc's <bits/socket.h> and <sys/uio.h> on x64 and arm64: a wrong offset would have the kernel
        // read a length as a pointer.
        Assert.Equal(16, Unsafe.SizeOf<IoVector>());
        Assert.Equal(56, Unsafe.SizeOf<MessageHeader>());
        Assert.Equal(64, Unsafe.SizeOf<MultiMessageHeader>());
        Assert.Equal(8, (int)Marshal.OffsetOf<MessageHeader>(nameof(MessageHeader.NameLength)));
        Assert.Equal(16, (int)Marshal.OffsetOf<MessageHeader>(nameof(MessageHeader.Vectors)));
        Assert.Equal(24, (int)Marshal.OffsetOf<MessageHeader>(nameof(MessageHeader.VectorCount)));
        Assert.Equal(32, (int)Marshal.OffsetOf<MessageHeader>(nameof(MessageHeader.Control)));
        Assert.Equal(40, (int)Marshal.OffsetOf<MessageHeader>(nameof(MessageHeader.ControlLength)));
        Assert.Equal(48, (int)Marshal.OffsetOf<MessageHeader>(nameof(MessageHeader.Flags)));
        Assert.Equal(56, (int)Marshal.OffsetOf<MultiMessageHeader>(nameof(MultiMessageHeader.Length)));
    }
}
