using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary>
/// A descriptor other threads write to (a loop's eventfd). Through a <see cref="SafeHandle"/> the close waits
/// for a write in progress, and a write after the close fails instead of landing in whatever file reused
/// the number (kv's log, say).
/// </summary>
internal sealed class DescriptorHandle : SafeHandle
{
    public DescriptorHandle()
        : base(-1, ownsHandle: true)
    {
    }

    public DescriptorHandle(int fd)
        : base(-1, ownsHandle: true)
    {
        SetHandle(fd);
    }

    public override bool IsInvalid => handle < 0;

    protected override bool ReleaseHandle() => LibC.close((int)handle) == 0;
}
