using System.Net.Sockets;
using NetKit.Connections;
using NetKit.Protocols;

namespace NetKit.Transport;

/// <summary>
/// The async model's connection, the Kestrel way: no Stream and no pipe in between. While the connection
/// sits between requests it waits with a zero-byte receive, holding no buffer; once bytes are there it
/// rents one, receives straight into it through a reusable awaitable operation, runs the core over
/// everything unconsumed, and sends all replies of that run with one send. The next receive is issued at
/// once when the socket already holds more.
/// </summary>
internal sealed class AsyncTcpConnection : TcpConnection, IThreadPoolWorkItem
{
    private const int ReceiveSize = 4096;
    private readonly SocketOperation _operation = new();
    private volatile bool _waitingAtBoundary;

    public AsyncTcpConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
        : base(id, socket, protocol, server)
    {
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
            while (true)
            {
                bool end = false;
                if (!runAgain)
                {
                    if (input.Count == 0 && Socket.Available == 0)
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

                        await _operation.ReceiveAsync(Socket, Memory<byte>.Empty).ConfigureAwait(false);
                        _waitingAtBoundary = false;
                        if (Aborted)
                        {
                            break;
                        }
                    }

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
            _operation.Dispose();
            Finish(error, closedByPeer);
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = await _operation.SendAsync(Socket, data).ConfigureAwait(false);
            data = data[sent..];
        }
    }
}
