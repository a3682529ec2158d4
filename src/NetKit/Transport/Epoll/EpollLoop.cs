using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using NetKit.Connections;

namespace NetKit.Transport.Epoll;

/// <summary>
/// One event loop: its own thread and epoll instance, level-triggered as Redis's ae. It accepts from the
/// listener it shares with the other loops, runs its connections' cores on its thread over one receive
/// buffer and one output buffer, and takes work from other threads through a queue and an eventfd.
/// Nothing here blocks: a connection that must wait is parked and posted back when it may go on.
/// </summary>
internal sealed unsafe class EpollLoop
{
    /// <summary>Per loop, not per connection: the most one receive takes, and where every core's input starts.</summary>
    public const int ReceiveBufferSize = 64 * 1024;

    /// <summary>The output buffer's usual size; a turn that writes far more gives the grown one back afterwards.</summary>
    private const int OutputBufferSize = 64 * 1024;

    private const int MaxEvents = 256;

    /// <summary>Accepts per wake-up: enough to drain a burst, few enough not to starve the loop's connections.</summary>
    private const int AcceptsPerWake = 32;

    /// <summary>How long a loop stops accepting after a failure such as running out of descriptors.</summary>
    private const int AcceptBackOffMs = 100;

    private const ulong ListenerData = ulong.MaxValue;
    private const ulong WakeData = ulong.MaxValue - 1;

    private readonly EpollLoopGroup _group;
    private readonly TcpServer _server;
    private readonly int _listenerFd;
    private readonly EpollInstance _epoll;
    private readonly byte[] _events = GC.AllocateUninitializedArray<byte>(MaxEvents * EpollEvent.Size, pinned: true);
    private readonly ConcurrentQueue<EpollConnection> _posted = new();
    private readonly TaskCompletionSource _acceptStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<EpollConnection> _runAgain = [];
    private List<EpollConnection> _runAgainNext = [];
    private EpollConnection?[] _byFd = new EpollConnection?[256];
    private uint _nextToken;
    private int _wakePending;
    private volatile bool _stopAccepting;
    private volatile bool _exit;
    private bool _accepting = true;
    private bool _listenerWatched;
    private long _acceptPausedUntil;
    private long _allocatedBytes;
    private int _connectionCount;

    public EpollLoop(EpollLoopGroup group, TcpServer server, int listenerFd, int index)
    {
        _group = group;
        _server = server;
        _listenerFd = listenerFd;
        Index = index;
        // EPOLLEXCLUSIVE: a new connection wakes one waiting loop, not all of them (no thundering herd).
        _epoll = new EpollInstance(listenerFd, LibC.EPOLLIN | LibC.EPOLLEXCLUSIVE, ListenerData, WakeData);
        _listenerWatched = true;
        ReceiveBuffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
    }

    public int Index { get; }

    public int EpollFd => _epoll.Fd;

    /// <summary>Where every connection of this loop receives, unless it keeps an unfinished request of its own.</summary>
    public byte[] ReceiveBuffer { get; }

    /// <summary>Where the core of the connection being served writes its replies; sent and emptied before the next.</summary>
    public PooledBufferWriter Output { get; } = new(OutputBufferSize);

    /// <summary>Completes once this loop no longer accepts, so the listener may be closed.</summary>
    public Task AcceptStopped => _acceptStopped.Task;

    /// <summary>Connections this loop serves now.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Bytes the loop's thread has allocated, as of its last turn (the tests' zero-allocation check).</summary>
    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = $"{_server.Name} loop {Index}" };
        thread.Start();
    }

    /// <summary>Hands work for <paramref name="connection"/> to this loop, from any thread.</summary>
    public void Post(EpollConnection connection)
    {
        _posted.Enqueue(connection);
        Wake();
    }

    public void StopAccepting()
    {
        _stopAccepting = true;
        Wake();
    }

    /// <summary>Ends the loop's thread once the server's connections are all finished.</summary>
    public void Exit()
    {
        _exit = true;
        Wake();
    }

    /// <summary>Releases the descriptors of a loop whose group failed to start.</summary>
    public void CloseUnstarted() => _epoll.Close();

    /// <summary>Takes a connection admitted by this loop, or posted by another one (on this loop's thread).</summary>
    public void Add(EpollConnection connection)
    {
        if (connection.Fd >= _byFd.Length)
        {
            Array.Resize(ref _byFd, Math.Max(_byFd.Length * 2, connection.Fd + 1));
        }

        connection.Token = ++_nextToken;
        _byFd[connection.Fd] = connection;
        Volatile.Write(ref _connectionCount, _connectionCount + 1);
        connection.Register();
    }

    public void Forget(EpollConnection connection)
    {
        if (connection.Fd < _byFd.Length && ReferenceEquals(_byFd[connection.Fd], connection))
        {
            _byFd[connection.Fd] = null;
            Volatile.Write(ref _connectionCount, _connectionCount - 1);
        }
    }

    /// <summary>The connection's core stopped at its output budget: its turn goes on after the others'.</summary>
    public void RunNextTurn(EpollConnection connection) => _runAgainNext.Add(connection);

    private void Wake()
    {
        // One eventfd write per batch of posts: the loop clears the flag before it empties the queue, so a
        // post that sees the flag still set is one the loop is about to take.
        if (Interlocked.Exchange(ref _wakePending, 1) != 0)
        {
            return;
        }

        _epoll.Wake();
    }

    private void Run()
    {
        // Every connection of the loop waits while one blocks: cores and kv's log keep blocking work off it.
        ConnectionThread.MustNotBlock = true;
        try
        {
            while (!_exit)
            {
                int n;
                fixed (byte* events = _events)
                {
                    n = LibC.epoll_wait(EpollFd, events, MaxEvents, WaitTimeout());
                    for (int i = 0; i < n; i++)
                    {
                        Dispatch(EpollEvent.Data(events, i), EpollEvent.Events(events, i));
                    }
                }

                if (n < 0 && Marshal.GetLastPInvokeError() != LibC.EINTR)
                {
                    TransportLog.LoopFailed(_server.Logger, _server.Name, Index, $"epoll_wait failed with errno {Marshal.GetLastPInvokeError()}");
                    return;
                }

                ResumeAcceptingWhenDue();
                RunAgain();
                Volatile.Write(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread());
            }
        }
        catch (Exception ex)
        {
            TransportLog.LoopFailed(_server.Logger, _server.Name, Index, ex.ToString());
        }
        finally
        {
            if (!_exit)
            {
                CutAll();
            }

            _acceptStopped.TrySetResult();
            _epoll.Close();
        }
    }

    /// <summary>After a fatal error, so the server's stop does not wait for connections nothing serves any more.</summary>
    private void CutAll()
    {
        _stopAccepting = true;
        UnwatchListener();
        foreach (var connection in _byFd)
        {
            connection?.Cut("event loop stopped");
        }

        while (_posted.TryDequeue(out var connection))
        {
            connection.Cut("event loop stopped");
        }
    }

    private int WaitTimeout()
    {
        if (_runAgainNext.Count > 0)
        {
            return 0;
        }

        return _acceptPausedUntil == 0 ? -1 : (int)Math.Clamp(_acceptPausedUntil - Environment.TickCount64, 0, AcceptBackOffMs);
    }

    private void Dispatch(ulong data, uint events)
    {
        if (data == ListenerData)
        {
            Accept();
            return;
        }

        if (data == WakeData)
        {
            TakePosted();
            return;
        }

        int fd = (int)(uint)data;
        var connection = fd < _byFd.Length ? _byFd[fd] : null;
        if (connection is not null && connection.Token == (uint)(data >> 32))
        {
            connection.OnEvents(events);
        }
    }

    private void TakePosted()
    {
        _epoll.TakeWakes();
        Interlocked.Exchange(ref _wakePending, 0);
        if (_stopAccepting && _accepting)
        {
            _accepting = false;
            UnwatchListener();
            _acceptStopped.TrySetResult();
        }

        while (_posted.TryDequeue(out var connection))
        {
            connection.OnPosted();
        }
    }

    private void RunAgain()
    {
        if (_runAgainNext.Count == 0)
        {
            return;
        }

        (_runAgain, _runAgainNext) = (_runAgainNext, _runAgain);
        foreach (var connection in _runAgain)
        {
            connection.OnRunAgain();
        }

        _runAgain.Clear();
    }

    private void Accept()
    {
        byte* address = stackalloc byte[NativeSocket.AddressSize];
        for (int i = 0; i < AcceptsPerWake && _accepting && !_stopAccepting; i++)
        {
            uint length = NativeSocket.AddressSize;
            int fd = LibC.accept4(_listenerFd, address, &length, LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC);
            if (fd < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EAGAIN)
                {
                    return; // another loop took it
                }

                if (errno is LibC.EINTR or LibC.ECONNABORTED or LibC.EPROTO)
                {
                    continue; // the peer gave up while queued: skip it
                }

                // Out of descriptors or memory: level-triggered, the listener would wake this loop at once
                // again and spin, so it stops watching it for a moment.
                TransportLog.AcceptFailed(_server.Logger, _server.Name, NativeSocket.ToSocketError(errno).ToString());
                UnwatchListener();
                _acceptPausedUntil = Math.Max(1, Environment.TickCount64 + AcceptBackOffMs);
                return;
            }

            // The loop that accepts hands connections round-robin, so the many connections a client opens at
            // once do not all land on the loop that happened to wake.
            var loop = _group.NextLoop();
            var connection = _server.Admit(new AcceptedDescriptor(fd, NativeSocket.ReadEndPoint(address, length), loop),
                static (id, socket, protocol, server) => new EpollConnection(id, socket, protocol, server));
            if (connection is EpollConnection admitted)
            {
                if (ReferenceEquals(loop, this))
                {
                    Add(admitted);
                }
                else
                {
                    loop.Post(admitted);
                }

                if (_server.Options.Once)
                {
                    _server.StopAcceptingAfterOnce();
                    return;
                }
            }
        }
    }

    private void ResumeAcceptingWhenDue()
    {
        if (_acceptPausedUntil == 0 || Environment.TickCount64 < _acceptPausedUntil)
        {
            return;
        }

        _acceptPausedUntil = 0;
        if (_accepting && !_stopAccepting
            && EpollEvent.Control(EpollFd, LibC.EPOLL_CTL_ADD, _listenerFd, LibC.EPOLLIN | LibC.EPOLLEXCLUSIVE, ListenerData) == 0)
        {
            _listenerWatched = true;
        }
    }

    private void UnwatchListener()
    {
        if (_listenerWatched)
        {
            _listenerWatched = false;
            _ = EpollEvent.Control(EpollFd, LibC.EPOLL_CTL_DEL, _listenerFd, 0, 0);
        }
    }
}
