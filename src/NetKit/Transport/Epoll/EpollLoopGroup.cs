using System.Net.Sockets;

namespace NetKit.Transport.Epoll;

/// <summary>
/// A server's event loops and the one listener they share. Every loop watches the listener with
/// EPOLLEXCLUSIVE (as Kestrel's experimental epoll pump does) rather than each binding its own with
/// SO_REUSEPORT: one bind means a port in use is still an error (SO_REUSEPORT would let a second server
/// share the port unnoticed), port 0 needs no second step, and stopping never drops connections queued in
/// one loop's backlog. The loop that accepts hands each connection to the next loop in turn.
/// </summary>
internal sealed class EpollLoopGroup : IDisposable
{
    private readonly EpollLoop[] _loops;
    private int _next = -1;

    public EpollLoopGroup(TcpServer server, Socket listener, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        // Non-blocking: the loops call accept4 on every wake-up, and another loop may have taken the connection.
        listener.Blocking = false;
        int listenerFd = (int)listener.SafeHandle.DangerousGetHandle();
        _loops = new EpollLoop[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                _loops[i] = new EpollLoop(this, server, listenerFd, i);
            }
        }
        catch
        {
            foreach (var loop in _loops)
            {
                loop?.CloseUnstarted();
            }

            throw;
        }

        // The listener is closed only once no loop can call accept4 on it: its number could be reused.
        AcceptStopped = Task.WhenAll(_loops.Select(l => l.AcceptStopped))
            .ContinueWith(_ => listener.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
    }

    public IReadOnlyList<EpollLoop> Loops => _loops;

    /// <summary>Completes once every loop has stopped accepting and the listener is closed.</summary>
    public Task AcceptStopped { get; }

    public void Start()
    {
        foreach (var loop in _loops)
        {
            loop.Start();
        }
    }

    public EpollLoop NextLoop() => _loops[(uint)Interlocked.Increment(ref _next) % (uint)_loops.Length];

    public void StopAccepting()
    {
        foreach (var loop in _loops)
        {
            loop.StopAccepting();
        }
    }

    /// <summary>Ends the loops' threads; called once the server's connections are all finished.</summary>
    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            loop.Exit();
        }
    }
}
