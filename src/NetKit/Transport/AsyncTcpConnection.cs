using System.Net.Sockets;
using NetKit.Buffers;
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
        byte[] buffer = [];
        int count = 0; // received and not yet consumed
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
                    if (count == 0 && Socket.Available == 0)
                    {
                        // Idle between reads: give the buffer back and wait without one.
                        if (buffer.Length > 0)
                        {
                            TransientBuffers.Return(buffer);
                            buffer = [];
                        }

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

                    if (buffer.Length == 0)
                    {
                        buffer = TransientBuffers.Rent(Math.Max(ReceiveSize, Socket.Available));
                    }
                    else if (count == buffer.Length)
                    {
                        if (count >= limit)
                        {
                            error = $"more than {limit} bytes of input buffered without a complete request";
                            break;
                        }

                        var bigger = TransientBuffers.Rent((int)Math.Min(Math.Max((long)buffer.Length * 2, count + (long)Socket.Available), limit));
                        buffer.AsSpan(0, count).CopyTo(bigger);
                        TransientBuffers.Return(buffer);
                        buffer = bigger;
                    }

                    int n = await _operation.ReceiveAsync(Socket, buffer.AsMemory(count)).ConfigureAwait(false);
                    if (n == 0 && Aborted)
                    {
                        // Abort's shutdown woke the receive: not the peer's end of stream.
                        break;
                    }

                    if (n == 0 && Pump.StopRequested && Pump.IsBetweenRequests(count))
                    {
                        // RequestStop's shutdown woke the receive, not the peer.
                        error = "server stopping";
                        break;
                    }

                    end = n == 0;
                    count += n;
                }

                // On the runtime's socket thread (completions run inline) the core must not block; on a
                // thread-pool thread it may.
                ConnectionThread.MustNotBlock = !Thread.CurrentThread.IsThreadPoolThread;
                var step = Pump.Run(new System.Buffers.ReadOnlySequence<byte>(buffer, 0, count), end, output);
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

                if (step.Next == PumpNext.Close)
                {
                    closedByPeer = step.ClosedByPeer;
                    error = step.Error;
                    break;
                }

                int consumed = checked((int)step.Consumed);
                if (consumed > 0)
                {
                    count -= consumed;
                    buffer.AsSpan(consumed, count).CopyTo(buffer);
                }

                if (step.Next == PumpNext.Offload)
                {
                    // The next request may block: run it on the thread pool, off the socket thread.
                    await Task.Yield();
                }

                runAgain = step.Next is PumpNext.RunAgain or PumpNext.Offload;
                if (!runAgain && count == 0)
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
            if (buffer.Length > 0)
            {
                TransientBuffers.Return(buffer);
            }

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
