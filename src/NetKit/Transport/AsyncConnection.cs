using System.Net.Sockets;
using System.Runtime.CompilerServices;
using NetKit.Connections;

namespace NetKit.Transport;

/// <summary>
/// The connection loop of the two models that await their I/O, written once: the async model's, straight on
/// the socket (<see cref="AsyncTcpConnection"/>), and the TLS model's, through an SslStream
/// (<see cref="Tls.TlsConnection"/>). A model gives only its receive, its send and what it does first and
/// last; the rules are <see cref="ConnectionPump"/>'s. While the connection waits for input it waits with a
/// zero-byte receive and, when nothing of a request is buffered, holds no buffer; once bytes are there it
/// rents one, receives into it, runs the core over everything unconsumed, and sends all replies of that run
/// at once. A core that waits for pushed output (its outbox is <see cref="ConnectionOutbox.Listening"/>) is
/// waited for on a doorbell that both the zero-byte receive (left pending across wakes) and the outbox's wake
/// ring, with or without part of a request buffered; a core holding a request is waited for on the doorbell
/// alone, nothing read.
/// </summary>
internal abstract class AsyncConnection : TcpConnection, IThreadPoolWorkItem
{
    private readonly int _receiveSize;
    private readonly AsyncDoorbell? _doorbell;
    private readonly Action? _ring;
    private ValueTask<int> _idleReceive;
    private volatile bool _waitingAtBoundary;

    /// <param name="receiveSize">The receive buffer's usual size, rented only while bytes are there.</param>
    protected AsyncConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server, int receiveSize)
        : base(id, socket, protocol, server)
    {
        _receiveSize = receiveSize;
        if (Pump.Outbox is not null)
        {
            _doorbell = new AsyncDoorbell();
            _ring = _doorbell.Ring;
        }
    }

    /// <summary>A zero-byte receive is pending across a wake: a send must not take the operation it holds.</summary>
    protected bool IdleReceivePending { get; private set; }

    /// <summary>Bytes known to be readable now, without waiting; 0 when none are or when the model cannot tell.</summary>
    protected abstract int BytesWaiting { get; }

    /// <summary>Receives into <paramref name="buffer"/>; an empty one waits until data (or the end) is there.</summary>
    protected abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer);

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    protected abstract ValueTask SendAsync(ReadOnlyMemory<byte> data);

    /// <summary>Runs before the first receive (the TLS handshake): the reason the connection ends instead, or null.</summary>
    protected virtual ValueTask<string?> StartAsync() => new((string?)null);

    /// <summary>Runs after the loop when it ended by the rules, not by a cut or a failure (TLS: close_notify).</summary>
    protected virtual ValueTask EndCleanlyAsync() => ValueTask.CompletedTask;

    /// <summary>A failure of the model's own I/O layer that ends the connection as an expected one does.</summary>
    protected virtual bool IsIoFailure(Exception exception) => false;

    /// <summary>Lets go of the model's I/O objects once the loop has ended.</summary>
    protected abstract void ReleaseIo();

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

    /// <summary>True when the core waits for pushed output: an idle wait must be one a wake interrupts.</summary>
    private bool AwaitsPushes => _doorbell is not null && Pump.Outbox!.Listening;

    private async Task RunAsync()
    {
        string? error = null;
        bool closedByPeer = false;
        bool cleanEnd = false;
        var input = new ReceiveBuffer(_receiveSize);
        var output = new PooledBufferWriter();
        int limit = Pump.Limits.MaxBufferedInput;
        try
        {
            error = await StartAsync().ConfigureAwait(false);
            bool runAgain = false;
            bool held = false; // the core holds a request: read nothing until its outbox is woken
            while (error is null)
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
                    // Part of a request buffered is waited for the same way when pushes are awaited: a receive
                    // straight into the buffer could not be interrupted, and the pushes would wait for the peer.
                    if (IdleReceivePending || ((input.Count == 0 || AwaitsPushes) && BytesWaiting == 0))
                    {
                        input.Release(); // given back when nothing of a request is in it
                        _waitingAtBoundary = Pump.IsBetweenRequests(input.Count);
                        Interlocked.MemoryBarrier(); // pairs with the fence in RequestStop
                        if (_waitingAtBoundary && Pump.StopRequested)
                        {
                            error = "server stopping";
                            cleanEnd = true;
                            break;
                        }

                        if (_doorbell is not null && (IdleReceivePending || Pump.Outbox!.Listening))
                        {
                            receive = await WaitReadableOrWokenAsync().ConfigureAwait(false);
                        }
                        else
                        {
                            await ReceiveAsync(Memory<byte>.Empty).ConfigureAwait(false);
                        }

                        _waitingAtBoundary = false;
                        if (Aborted)
                        {
                            break;
                        }
                    }

                    if (receive)
                    {
                        var room = input.Room(BytesWaiting, limit);
                        if (room.IsEmpty)
                        {
                            error = $"more than {limit} bytes of input buffered without a complete request";
                            break;
                        }

                        int n = await ReceiveAsync(room).ConfigureAwait(false);
                        if (n == 0 && Aborted)
                        {
                            // Abort's shutdown woke the receive: not the peer's end of stream.
                            break;
                        }

                        if (n == 0 && Pump.StopRequested && Pump.IsBetweenRequests(input.Count))
                        {
                            // RequestStop's shutdown woke the receive, not the peer.
                            error = "server stopping";
                            cleanEnd = true;
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

                    await SendAsync(output.WrittenMemory).ConfigureAwait(false);
                    output.Reset();
                    Pump.AfterSend();
                }

                if (Ends(step, ref error, ref closedByPeer))
                {
                    cleanEnd = true;
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

            if (cleanEnd && !Aborted)
            {
                await EndCleanlyAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsExpectedFailure(ex) || IsIoFailure(ex))
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
            ReleaseIo();
            Finish(error, closedByPeer);
        }
    }

    /// <summary>
    /// Waits on the doorbell for either the zero-byte receive (kept pending across wakes) or the outbox's wake.
    /// True when the connection is readable (data or its end), false when woken with nothing to read.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WaitReadableOrWokenAsync()
    {
        if (!IdleReceivePending)
        {
            var receive = ReceiveAsync(Memory<byte>.Empty);
            if (receive.IsCompleted)
            {
                receive.GetAwaiter().GetResult();
                return true;
            }

            _idleReceive = receive;
            IdleReceivePending = true;
            receive.GetAwaiter().UnsafeOnCompleted(_ring!);
        }

        // Each ring follows the change it announces, and a ring before the wait is kept: no wake is lost.
        while (!_idleReceive.IsCompleted && !Pump.WakePending && !Aborted)
        {
            await _doorbell!.WaitAsync().ConfigureAwait(false);
        }

        if (!_idleReceive.IsCompleted)
        {
            return false;
        }

        IdleReceivePending = false;
        _idleReceive.GetAwaiter().GetResult();
        return true;
    }
}
