using System.Net.Sockets;
using System.Runtime.CompilerServices;
using NetKit.Connections;
using NetKit.Protocols;

namespace NetKit.Transport;

/// <summary>
/// The async model's connection, the Kestrel way: no Stream and no pipe in between. While the connection
/// sits between requests it waits with a zero-byte receive, holding no buffer; once bytes are there it
/// rents one, receives straight into it through a reusable awaitable operation, runs the core over
/// everything unconsumed, and sends all replies of that run with one send. The next receive is issued at
/// once when the socket already holds more. A core that waits for pushed output (its outbox is
/// <see cref="ConnectionOutbox.Listening"/>) is waited for on a doorbell that both the zero-byte receive and
/// the outbox's wake ring; a core holding a request is waited for on the doorbell alone, nothing read.
/// </summary>
internal sealed class AsyncTcpConnection : TcpConnection, IThreadPoolWorkItem
{
    private const int ReceiveSize = 4096;
    private readonly SocketOperation _operation = new();
    private readonly AsyncDoorbell? _doorbell;
    private readonly Action? _ring;
    private SocketOperation? _sender; // sends while the zero-byte receive holds _operation
    private ValueTask<int> _idleReceive;
    private bool _idleReceivePending;
    private volatile bool _waitingAtBoundary;

    public AsyncTcpConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
        : base(id, socket, protocol, server)
    {
        if (Pump.Outbox is not null)
        {
            _doorbell = new AsyncDoorbell();
            _ring = _doorbell.Ring;
        }
    }

    protected override void OnWake() => _doorbell?.Ring();

    public override void Abort(string reason)
    {
        base.Abort(reason);
        // A loop waiting on its doorbell alone (a held request) has no receive for the cut to fail.
        _doorbell?.Ring();
    }

    public override void RequestStop()
    {
        Pump.RequestStop();
        // Store then load, against the loop's store of _waitingAtBoundary then load of StopRequested:
        // without a full fence both sides may read the old value and the stop would wait for the grace period.
        Interlocked.MemoryBarrier();
        if (_waitingAtBoundary)
        {
            // Wakes the pending receive with 0 bytes; the loop reads StopRequested and closes.
            try
            {
                Socket.Shutdown(SocketShutdown.Receive);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = RunAsync();

    private async Task RunAsync()
    {
        string? error = null;
        bool closedByPeer = false;
        var input = new ReceiveBuffer(ReceiveSize);
        var output = new PooledBufferWriter();
        bool runAgain = false;
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
                        await _doorbell!.WaitAsync().ConfigureAwait(false);
                    }

                    if (Aborted)
                    {
                        break;
                    }
                }
                else if (!runAgain)
                {
                    bool receive = true;
                    if (_idleReceivePending || (input.Count == 0 && Socket.Available == 0))
                    {
                        // Idle between reads: give the buffer back and wait without one.
                        input.Release();
                        _waitingAtBoundary = Pump.IsBetweenRequests(0);
                        Interlocked.MemoryBarrier(); // pairs with the fence in RequestStop
                        if (_waitingAtBoundary && Pump.StopRequested)
                        {
                            error = "server stopping";
                            break;
                        }

                        if (_doorbell is not null && (_idleReceivePending || Pump.Outbox!.Listening))
                        {
                            receive = await WaitReadableOrWokenAsync().ConfigureAwait(false);
                        }
                        else
                        {
                            await _operation.ReceiveAsync(Socket, Memory<byte>.Empty).ConfigureAwait(false);
                        }

                        _waitingAtBoundary = false;
                        if (Aborted)
                        {
                            break;
                        }
                    }

                    if (receive)
                    {
                        var room = input.Room(Socket.Available, limit);
                        if (room.IsEmpty)
                        {
                            error = $"more than {limit} bytes of input buffered without a complete request";
                            break;
                        }

                        int n = await _operation.ReceiveAsync(Socket, room).ConfigureAwait(false);
                        if (n == 0 && Aborted)
                        {
                            // Abort's shutdown woke the receive: not the peer's end of stream.
                            break;
                        }

                        if (n == 0 && Pump.StopRequested && Pump.IsBetweenRequests(input.Count))
                        {
                            // RequestStop's shutdown woke the receive, not the peer.
                            error = "server stopping";
                            break;
                        }

                        end = n == 0;
                        input.Received(n);
                    }
                }

                // On the runtime's socket thread (completions run inline) the core must not block; on a
                // thread-pool thread it may.
                ConnectionThread.MustNotBlock = !Thread.CurrentThread.IsThreadPoolThread;
                var step = Pump.Run(input.Unconsumed, end, output);
                if (output.WrittenCount > 0)
                {
                    if (await Pump.BeforeSendAsync(output.WrittenCount).ConfigureAwait(false) is { } refused)
                    {
                        // The replies are dropped with the writer, never sent.
                        RepliesRefused(refused);
                        error = refused;
                        break;
                    }

                    await SendAllAsync(output.WrittenMemory).ConfigureAwait(false);
                    output.Reset();
                    Pump.AfterSend();
                }

                if (Ends(step, ref error, ref closedByPeer))
                {
                    break;
                }

                input.Consume(checked((int)step.Consumed));
                if (step.Next == PumpNext.Offload)
                {
                    // The next request may block: run it on the thread pool, off the socket thread.
                    await Task.Yield();
                }

                runAgain = step.Next is PumpNext.RunAgain or PumpNext.Offload;
                held = step.Next == PumpNext.WaitForWake;
                if (!runAgain && input.Count == 0)
                {
                    output.Release();
                }
            }
        }
        catch (Exception ex) when (IsExpectedFailure(ex))
        {
            error = DescribeFailure(ex);
        }
        catch (Exception ex)
        {
            // A bug in a core must end this connection only, never the server.
            TransportLog.ConnectionFailed(Logger, ex, Server.Name, Peer);
            error = "internal error";
        }
        finally
        {
            input.Dispose();
            output.Dispose();
            // A receive still pending keeps its operation until the close fails it (SocketAsyncEventArgs
            // defers the dispose until then).
            _operation.Dispose();
            _sender?.Dispose();
            Finish(error, closedByPeer);
        }
    }

    /// <summary>
    /// Waits on the doorbell for either the zero-byte receive (kept pending across wakes) or the outbox's wake.
    /// True when the socket is readable (data or its end), false when woken with nothing to read.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WaitReadableOrWokenAsync()
    {
        if (!_idleReceivePending)
        {
            var receive = _operation.ReceiveAsync(Socket, Memory<byte>.Empty);
            if (receive.IsCompleted)
            {
                receive.GetAwaiter().GetResult();
                return true;
            }

            _idleReceive = receive;
            _idleReceivePending = true;
            receive.GetAwaiter().UnsafeOnCompleted(_ring!);
        }

        while (!_idleReceive.IsCompleted && !Pump.WakePending && !Aborted)
        {
            await _doorbell!.WaitAsync().ConfigureAwait(false);
        }

        if (!_idleReceive.IsCompleted)
        {
            return false;
        }

        _idleReceivePending = false;
        _idleReceive.GetAwaiter().GetResult();
        return true;
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        var operation = _idleReceivePending ? _sender ??= new SocketOperation() : _operation;
        while (!data.IsEmpty)
        {
            int sent = await operation.SendAsync(Socket, data).ConfigureAwait(false);
            data = data[sent..];
        }
    }
}
