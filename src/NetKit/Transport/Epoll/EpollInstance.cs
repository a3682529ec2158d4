using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary>
/// What every epoll loop thread waits on, set up and torn down one way for the TCP and the UDP loops: an
/// epoll instance watching the loop's socket (a listener, a UDP socket) and an eventfd that other threads
/// write to wake the loop. A failed set-up closes what it opened and says which call failed.
/// </summary>
internal sealed unsafe class EpollInstance
{
    private readonly DescriptorHandle _wakeHandle;

    /// <param name="socketFd">The loop's socket, watched for <paramref name="socketEvents"/> under <paramref name="socketData"/>.</param>
    /// <param name="wakeData">What an event from the eventfd carries.</param>
    public EpollInstance(int socketFd, uint socketEvents, ulong socketData, ulong wakeData)
    {
        Fd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (Fd < 0)
        {
            throw Failure("epoll_create1");
        }

        WakeFd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        if (WakeFd < 0)
        {
            var error = Failure("eventfd");
            _ = LibC.close(Fd);
            throw error;
        }

        _wakeHandle = new DescriptorHandle(WakeFd);
        if (EpollEvent.Control(Fd, LibC.EPOLL_CTL_ADD, WakeFd, LibC.EPOLLIN, wakeData) != 0
            || EpollEvent.Control(Fd, LibC.EPOLL_CTL_ADD, socketFd, socketEvents, socketData) != 0)
        {
            var error = Failure("epoll_ctl");
            Close();
            throw error;
        }
    }

    /// <summary>The epoll instance's descriptor.</summary>
    public int Fd { get; }

    /// <summary>The eventfd; read only by the loop's thread (<see cref="TakeWakes"/>).</summary>
    public int WakeFd { get; }

    /// <summary>Wakes the loop's thread, from any thread; once the loop has closed this, a no-op.</summary>
    public void Wake()
    {
        ulong one = 1;
        try
        {
            _ = LibC.write(_wakeHandle, &one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // The loop has exited: nothing is left to wake.
        }
    }

    /// <summary>Clears the eventfd, on the loop's thread, so level-triggered epoll stops reporting it.</summary>
    public void TakeWakes()
    {
        ulong count;
        _ = LibC.read(WakeFd, &count, sizeof(ulong));
    }

    /// <summary>Closes both descriptors; a wake after this fails harmlessly, never landing in a reused descriptor.</summary>
    public void Close()
    {
        _wakeHandle.Dispose();
        _ = LibC.close(Fd);
    }

    private static NetKitException Failure(string call)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new NetKitException(NetErrorKind.Other, "cannot start the epoll model", $"{call} failed with errno {errno}");
    }
}
