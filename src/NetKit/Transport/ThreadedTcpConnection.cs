using System.Buffers;
using System.Net.Sockets;
using NetKit.Connections;
using NetKit.Protocols;

namespace NetKit.Transport;

/// <summary>
/// The threads model's connection: its own thread, blocking reads into a pooled buffer, the core run on
/// each read, replies sent with blocking writes. The buffer grows only while a single request needs it
/// (up to the server's input limit) and goes back to its normal size once that request is consumed.
/// A blocking read cannot be interrupted, so a core that waits for pushed output (its outbox is
/// <see cref="ConnectionOutbox.Listening"/>) is waited for otherwise: a zero-byte receive, left pending across
/// wakes, and the outbox's wake both set a doorbell the thread blocks on. A core holding a request is waited
/// for on the doorbell alone, nothing read.
/// </summary>
internal sealed class ThreadedTcpConnection : TcpConnection
{
    private const int DefaultBufferSize = 16 * 1024;
    // Never disposed: it is set by callbacks that may run after the connection ends, and it only holds a
    // kernel handle if its WaitHandle is asked for, which it never is.
    private readonly ManualResetEventSlim? _doorbell;
    private readonly Action? _ring;
    private SocketOperation? _idleOperation;
    private ValueTask<int> _idleReceive;
    private bool _idleReceivePending;
    private volatile bool _waitingAtBoundary;

    public ThreadedTcpConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
        : base(id, socket, protocol, server)
    {
        if (Pump.Outbox is not null)
        {
            _doorbell = new ManualResetEventSlim(false, spinCount: 0);
            _ring = _doorbell.Set;
        }
    }

    protected override void OnWake() => _doorbell?.Set();

    public override void Abort(string reason)
    {
        base.Abort(reason);
        // A thread waiting on its doorbell alone (a held request) has no receive for the cut to fail.
        _doorbell?.Set();
    }

    public override void RequestStop()
    {
        Pump.RequestStop();
        // Store then load, against the loop's store of _waitingAtBoundary then load of StopRequested:
        // without a full fence both sides may read the old value, and the connection would sit in its
        // receive until the grace period cuts it.
        Interlocked.MemoryBarrier();
        if (_waitingAtBoundary)
        {
            // Wakes the blocked receive with 0 bytes; the loop reads StopRequested and closes.
            try
            {
                Socket.Shutdown(SocketShutdown.Receive);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public void Run()
    {
        string? error = null;
        bool closedByPeer = false;
        var input = new ReceiveBuffer(DefaultBufferSize);
        var output = new PooledBufferWriter();
        bool runAgain = false; // the core stopped at its output budget with complete requests left
        int limit = Pump.Limits.MaxBufferedInput;
        try
        {
            bool held = false; // the core holds a request: read nothing until its outbox is woken
            while (true)
            {
                bool end = false;
                if (held)
                {
                    while (!Pump.WakePending && !Aborted)
                    {
                        _doorbell!.Wait();
                        _doorbell.Reset();
                    }

                    if (Aborted)
                    {
                        break;
                    }
                }
                else if (!runAgain)
                {
                    var room = input.Room(DefaultBufferSize, limit);
                    if (room.IsEmpty)
                    {
                        error = $"more than {limit} bytes of input buffered without a complete request";
                        break;
                    }

                    _waitingAtBoundary = Pump.IsBetweenRequests(input.Count);
                    Interlocked.MemoryBarrier(); // pairs with the fence in RequestStop
                    if (_waitingAtBoundary && Pump.StopRequested)
                    {
                        error = "server stopping";
                        break;
                    }

                    bool receive = _doorbell is null
                                   || (!_idleReceivePending && (!Pump.Outbox!.Listening || Socket.Available > 0))
                                   || WaitReadableOrWoken();
                    int n = 0;
                    if (receive)
                    {
                        n = Socket.Receive(room.Span, SocketFlags.None);
                    }

                    _waitingAtBoundary = false;
                    if (n == 0 && Aborted)
                    {
                        // Abort's shutdown woke the receive: not the peer's end of stream.
                        break;
                    }

                    if (n == 0 && receive && Pump.StopRequested && Pump.IsBetweenRequests(input.Count))
                    {
                        // RequestStop's shutdown woke the receive, not the peer.
                        error = "server stopping";
                        break;
                    }

                    end = receive && n == 0;
                    input.Received(n);
                }

                var step = Pump.Run(input.Unconsumed, end, output);
                if (output.WrittenCount > 0)
                {
                    var before = Pump.BeforeSendAsync(output.WrittenCount);
                    if ((before.IsCompleted ? before.Result : before.AsTask().GetAwaiter().GetResult()) is { } refused)
                    {
                        // The replies are dropped with the writer, never sent.
                        RepliesRefused(refused);
                        error = refused;
                        break;
                    }

                    SendAll(output.WrittenSpan);
                    output.Reset();
                    Pump.AfterSend();
                }

                if (Ends(step, ref error, ref closedByPeer))
                {
                    break;
                }

                input.Consume(checked((int)step.Consumed));
                // A connection thread may block, so a request the core would not run on an event loop runs here.
                runAgain = step.Next is PumpNext.RunAgain or PumpNext.Offload;
                held = step.Next == PumpNext.WaitForWake;
            }
        }
        catch (Exception ex) when (IsExpectedFailure(ex))
        {
            error = DescribeFailure(ex);
        }
        catch (Exception ex)
        {
            TransportLog.ConnectionFailed(Logger, ex, Server.Name, Peer);
            error = "internal error";
        }
        finally
        {
            input.Dispose();
            output.Dispose();
            // A receive still pending keeps its operation until the close fails it (SocketAsyncEventArgs
            // defers the dispose until then).
            _idleOperation?.Dispose();
            Finish(error, closedByPeer);
        }
    }

    /// <summary>
    /// Blocks on the doorbell until the zero-byte receive (kept pending across wakes) completes or the outbox is
    /// woken. True when the socket is readable (data or its end), false when woken with nothing to read.
    /// </summary>
    private bool WaitReadableOrWoken()
    {
        if (!_idleReceivePending)
        {
            _idleOperation ??= new SocketOperation();
            var receive = _idleOperation.ReceiveAsync(Socket, Memory<byte>.Empty);
            if (receive.IsCompleted)
            {
                receive.GetAwaiter().GetResult();
                return true;
            }

            _idleReceive = receive;
            _idleReceivePending = true;
            receive.GetAwaiter().UnsafeOnCompleted(_ring!);
        }

        // Reset after each wait, then the conditions read again: every ring follows the change it announces
        // (the wake flag, the receive's completion, the cut), so a post between the check and the wait leaves
        // the event set and the wait returns at once. The receive completes through the thread pool: a starved
        // pool delays the ring, it cannot lose it.
        while (!_idleReceive.IsCompleted && !Pump.WakePending && !Aborted)
        {
            _doorbell!.Wait();
            _doorbell.Reset();
        }

        if (!_idleReceive.IsCompleted)
        {
            return false;
        }

        _idleReceivePending = false;
        _idleReceive.GetAwaiter().GetResult();
        return true;
    }

    private void SendAll(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = Socket.Send(data, SocketFlags.None);
            data = data[sent..];
        }
    }
}
