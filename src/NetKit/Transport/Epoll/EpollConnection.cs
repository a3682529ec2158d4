using System.Buffers;
using System.Runtime.InteropServices;
using NetKit.Connections;

namespace NetKit.Transport.Epoll;

/// <summary>
/// The epoll model's connection, driven by its loop's thread alone: it receives into the loop's buffer and
/// keeps only the unconsumed rest of an unfinished request, sends all of a turn's replies from the loop's
/// output buffer at once, and keeps only what the peer has not taken yet. So an idle connection holds no
/// buffer at all. Other threads only post to the loop (a stop, a cut, a durability wait that completed, a wake
/// of the core's outbox), and a request that must not run on the loop (KEYS, SCAN) runs on the thread pool
/// while the loop leaves the connection alone. A wake runs the core at once when the connection is reading,
/// and otherwise once it is again (after its pending send, its durability wait or its offloaded run).
/// </summary>
internal sealed unsafe class EpollConnection : ServerConnection, IThreadPoolWorkItem
{
    /// <summary>Runs over the rest, after a core stopped at its output budget, before other connections get a turn.</summary>
    private const int RunsPerTurn = 16;

    private readonly EpollLoop _loop;
    private LeftoverInput _input;
    private PendingOutput _pending;
    private PumpStep _afterSend;
    private ValueTask<string?> _gate;
    private Action? _resume;
    private string? _abortReason;
    private PumpStep _offloadStep;
    private ValueTask<string?> _offloadGate;
    private Exception? _offloadFailure;
    private volatile bool _offloadDone;
    private State _state;
    private EpollSocket _socket;

    public EpollConnection(long id, AcceptedDescriptor socket, IConnectionProtocol protocol, TcpServer server)
        : base(id, socket.RemoteEndPoint, protocol, server)
    {
        Fd = socket.Fd;
        _loop = socket.Loop;
        _socket = new EpollSocket(socket.Fd, socket.Loop.EpollFd);
    }

    private enum State : byte
    {
        /// <summary>Admitted, not yet in its loop's epoll set.</summary>
        New,
        Reading,
        /// <summary>Replies the peer has not taken: waiting for EPOLLOUT, not reading, the core not run.</summary>
        Sending,
        /// <summary>Replies held until the core's durability wait completes: out of the epoll set.</summary>
        Parked,
        /// <summary>The core runs on the thread pool: out of the epoll set, and the loop touches nothing.</summary>
        Offloaded,
        /// <summary>The core holds a request until its outbox is woken: out of the epoll set, nothing read.</summary>
        Held,
        Closed,
    }

    public int Fd { get; }

    public EpollLoop Loop => _loop;

    /// <summary>Tells this connection's events from a stale one for a descriptor number since reused.</summary>
    public uint Token { get; set; }

    private ulong EventData => ((ulong)Token << 32) | (uint)Fd;

    public override void RequestStop()
    {
        Pump.RequestStop();
        _loop.Post(this);
    }

    protected override void OnWake() => _loop.Post(this);

    /// <summary>Marshalled to the loop: a descriptor is never closed while the loop's thread may be using it.</summary>
    public override void Abort(string reason)
    {
        if (Interlocked.CompareExchange(ref _abortReason, reason, null) is null)
        {
            _loop.Post(this);
        }
    }

    /// <summary>Cuts the connection at once, on its loop's thread (the loop is failing).</summary>
    public void Cut(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        Close(null);
    }

    /// <summary>Joins the loop's epoll set (on the loop's thread, from <see cref="EpollLoop.Add"/>).</summary>
    public void Register()
    {
        if (_state != State.New)
        {
            return;
        }

        _state = State.Reading;
        _ = Watch(LibC.EPOLLIN);
    }

    /// <summary>Something was posted for this connection: a cut, a stop, a completed wait, or its admission.</summary>
    public void OnPosted()
    {
        try
        {
            if (_state == State.Closed)
            {
                return;
            }

            if (_state == State.Offloaded && !TakeOffloaded())
            {
                return; // a cut or a stop waits until the core is back
            }

            if (Volatile.Read(ref _abortReason) is not null)
            {
                Close(null);
                return;
            }

            if (_state == State.New)
            {
                _loop.Add(this);
            }
            else if (_state == State.Parked && _gate.IsCompleted)
            {
                Resume();
            }
            else if (_state == State.Held && Pump.WakePending)
            {
                _state = State.Reading;
                if (Watch(LibC.EPOLLIN))
                {
                    RunOverLeftover();
                }
            }
            else if (_state == State.Reading && Pump.WakePending)
            {
                RunOverLeftover();
            }
            else
            {
                StopIfBetweenRequests();
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    public void OnEvents(uint events)
    {
        try
        {
            if (Volatile.Read(ref _abortReason) is not null)
            {
                // The cut is already posted: what arrived must not run as if it were the peer's last words.
                Close(null);
            }
            else if (_state == State.Reading)
            {
                OnReadable();
            }
            else if (_state == State.Sending && (events & (LibC.EPOLLOUT | LibC.EPOLLERR | LibC.EPOLLHUP)) != 0)
            {
                OnWritable();
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    /// <summary>The core stopped at its output budget last turn: run it over the rest without waiting for input.</summary>
    public void OnRunAgain()
    {
        try
        {
            if (_state == State.Reading && Volatile.Read(ref _abortReason) is null)
            {
                RunOverLeftover();
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void OnReadable()
    {
        // With an unfinished request kept, the rest is received after it: the core's input stays contiguous.
        byte[] buffer = _loop.ReceiveBuffer;
        int count = 0;
        if (_input.Buffer is not null)
        {
            int limit = Pump.Limits.MaxBufferedInput;
            if (!_input.MakeRoom(limit))
            {
                Close($"more than {limit} bytes of input buffered without a complete request");
                return;
            }

            buffer = _input.Buffer;
            count = _input.Count;
        }

        nint n = _socket.Receive(buffer.AsSpan(count), out int errno);
        if (n < 0)
        {
            if (n == -2)
            {
                Close(NativeSocket.Describe(errno));
            }

            return;
        }

        Run(buffer, 0, count + (int)n, endOfStream: n == 0);
    }

    private void RunOverLeftover() => Run(_input.Buffer ?? _loop.ReceiveBuffer, 0, _input.Count, endOfStream: false);

    /// <summary>The connection loop's turn (see <see cref="ConnectionPump"/>) over contiguous input.</summary>
    private void Run(byte[] buffer, int offset, int count, bool endOfStream)
    {
        var output = _loop.Output;
        for (int runs = 1; ; runs++)
        {
            var step = Pump.Run(new ReadOnlySequence<byte>(buffer, offset, count), endOfStream, output);
            int consumed = checked((int)step.Consumed);
            offset += consumed;
            count -= consumed;
            if (output.WrittenCount > 0)
            {
                var before = Pump.BeforeSendAsync(output.WrittenCount);
                if (!before.IsCompleted)
                {
                    _input.Keep(buffer, offset, count);
                    Park(before, step);
                    return;
                }

                if (before.GetAwaiter().GetResult() is { } refused)
                {
                    // Never sent: among these replies may be acknowledgements of writes that are not in the log.
                    output.Reset();
                    RepliesRefused(refused);
                    Close(refused);
                    return;
                }

                if (!SendOutput(step))
                {
                    if (_state != State.Closed)
                    {
                        _input.Keep(buffer, offset, count);
                    }

                    return;
                }

                Pump.AfterSend();
            }

            if (step.Next == PumpNext.Close)
            {
                Close(step.Error, step.ClosedByPeer);
                return;
            }

            if (step.Next == PumpNext.RunAgain && runs < RunsPerTurn)
            {
                continue;
            }

            _input.Keep(buffer, offset, count);
            if (step.Next == PumpNext.Offload)
            {
                Offload();
                return;
            }

            if (step.Next == PumpNext.WaitForWake)
            {
                Hold();
                return;
            }

            if (step.Next == PumpNext.RunAgain)
            {
                _loop.RunNextTurn(this);
            }

            return;
        }
    }

    /// <summary>
    /// Sends the loop's output in one go. False when not all of it left: the rest is kept and the connection
    /// waits for EPOLLOUT without reading (back-pressure), then does what <paramref name="step"/> says; or the
    /// send failed and the connection is closed.
    /// </summary>
    private bool SendOutput(PumpStep step)
    {
        var output = _loop.Output;
        var data = output.WrittenSpan;
        int sent = SendSome(data);
        if (sent == data.Length || sent < 0)
        {
            output.Reset();
            return sent >= 0;
        }

        _pending.Keep(data[sent..]);
        output.Reset();
        _afterSend = step;
        _state = State.Sending;
        _ = Watch(LibC.EPOLLOUT);

        return false;
    }

    private void OnWritable()
    {
        int sent = SendSome(_pending.Span);
        if (sent >= 0 && _pending.Sent(sent))
        {
            Drained();
        }
    }

    /// <summary>All replies are with the peer: read again and do what the turn that wrote them said.</summary>
    private void Drained()
    {
        _state = State.Reading;
        if (!Watch(LibC.EPOLLIN))
        {
            return;
        }

        Pump.AfterSend();
        var step = _afterSend;
        _afterSend = default;
        switch (step.Next)
        {
            case PumpNext.Close:
                Close(step.Error, step.ClosedByPeer);
                break;
            case PumpNext.RunAgain:
                RunOverLeftover();
                break;
            case PumpNext.Offload:
                Offload();
                break;
            case PumpNext.WaitForWake:
                Hold();
                break;
            default:
                if (Pump.WakePending)
                {
                    // Woken while its replies were on their way: the core's turn comes now.
                    RunOverLeftover();
                }
                else
                {
                    StopIfBetweenRequests();
                }

                break;
        }
    }

    /// <summary>The core holds a request: nothing is read (back-pressure on the peer) until its outbox's wake is posted.</summary>
    private void Hold()
    {
        _state = State.Held;
        _socket.Unwatch();
    }

    /// <summary>
    /// The replies wait on the core's durability wait: they are kept, the connection leaves the epoll set (no
    /// reading, and no level-triggered hang-up to spin on), and the wait's completion posts it back to its loop.
    /// </summary>
    private void Park(ValueTask<string?> before, PumpStep step)
    {
        var output = _loop.Output;
        _pending.Keep(output.WrittenSpan);
        output.Reset();
        _afterSend = step;
        _state = State.Parked;
        _socket.Unwatch();
        AwaitGate(before);
    }

    private void AwaitGate(ValueTask<string?> gate)
    {
        _gate = gate;
        _resume ??= () => _loop.Post(this);
        gate.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_resume);
    }

    /// <summary>The core asked to run where blocking is allowed: on the thread pool, the rest of the input its own.</summary>
    private void Offload()
    {
        _state = State.Offloaded;
        _socket.Unwatch();
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>The offloaded run, on a pool thread: its replies are kept, its durability wait is the loop's to await.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        try
        {
            ConnectionThread.MustNotBlock = false;
            using var output = new PooledBufferWriter();
            byte[] input = _input.Buffer ?? [];
            var step = Pump.Run(new ReadOnlySequence<byte>(input, 0, _input.Count), false, output);
            int consumed = checked((int)step.Consumed);
            _input.Keep(input, consumed, _input.Count - consumed);
            _offloadGate = output.WrittenCount > 0 ? Pump.BeforeSendAsync(output.WrittenCount) : default;
            _pending.Keep(output.WrittenSpan);
            _offloadStep = step;
        }
        catch (Exception ex)
        {
            _offloadFailure = ex;
        }

        _offloadDone = true;
        _loop.Post(this);
    }

    /// <summary>Back on the loop after an offloaded run: false while it is still running.</summary>
    private bool TakeOffloaded()
    {
        if (!_offloadDone)
        {
            return false;
        }

        _offloadDone = false;
        if (_offloadFailure is { } failure)
        {
            _offloadFailure = null;
            Fail(failure);
            return false;
        }

        // From here as a parked connection: its replies leave once their wait completes, then it goes on.
        _state = State.Parked;
        _afterSend = _offloadStep;
        var gate = _offloadGate;
        _offloadGate = default;
        if (gate.IsCompleted)
        {
            _gate = gate;
        }
        else
        {
            AwaitGate(gate);
        }

        return true;
    }

    private void Resume()
    {
        string? refused;
        try
        {
            refused = _gate.GetAwaiter().GetResult();
        }
        finally
        {
            _gate = default;
        }

        if (refused is not null)
        {
            _pending.Release();
            RepliesRefused(refused);
            Close(refused);
            return;
        }

        int sent = SendSome(_pending.Span);
        if (sent < 0)
        {
            return;
        }

        if (_pending.Sent(sent))
        {
            Drained();
            return;
        }

        _state = State.Sending;
        _ = Watch(LibC.EPOLLOUT);
    }

    /// <summary>Sends until done or the socket is full; -1 when the send failed (the connection is then closed).</summary>
    private int SendSome(ReadOnlySpan<byte> data)
    {
        int sent = _socket.Send(data, out int errno);
        if (sent < 0)
        {
            Close(NativeSocket.Describe(errno));
        }

        return sent;
    }

    private void StopIfBetweenRequests()
    {
        if (_state == State.Reading && Pump.StopRequested && Pump.IsBetweenRequests(_input.Count))
        {
            Close("server stopping");
        }
    }

    /// <summary>Watches exactly <paramref name="events"/>; when epoll refuses, the connection is closed.</summary>
    private bool Watch(uint events)
    {
        if (_socket.Watch(events, EventData))
        {
            return true;
        }

        Close(NativeSocket.Describe(Marshal.GetLastPInvokeError()));
        return false;
    }

    private void Fail(Exception exception)
    {
        // A bug in a core must end this connection only, never the loop and the others on it.
        TransportLog.ConnectionFailed(Logger, exception, Server.Name, Peer);
        Close("internal error");
    }

    /// <summary>Closes on the loop's thread: FIN after the last reply and the peer's input read away, or a cut.</summary>
    private void Close(string? error, bool closedByPeer = false)
    {
        if (_state == State.Closed)
        {
            return;
        }

        _state = State.Closed;
        string? abort = Volatile.Read(ref _abortReason);
        _loop.Forget(this);
        _socket.Close(cut: abort is not null, _loop.ReceiveBuffer);
        _input.Release();
        _pending.Release();
        Ended(abort ?? error, closedByPeer);
    }
}
