using System.Buffers;
using System.Net.Sockets;
using NetKit.Buffers;
using NetKit.Connections;
using NetKit.Protocols;

namespace NetKit.Transport;

/// <summary>
/// The threads model's connection: its own thread, blocking reads into a pooled buffer, the core run on
/// each read, replies sent with blocking writes. The buffer grows only while a single request needs it
/// (up to the server's input limit) and goes back to its normal size once that request is consumed.
/// </summary>
internal sealed class ThreadedTcpConnection : TcpConnection
{
    private const int DefaultBufferSize = 16 * 1024;
    private volatile bool _waitingAtBoundary;

    public ThreadedTcpConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
        : base(id, socket, protocol, server)
    {
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
        byte[] buffer = TransientBuffers.Rent(DefaultBufferSize);
        var output = new PooledBufferWriter();
        int count = 0;
        bool runAgain = false; // the core stopped at its output budget with complete requests left
        int limit = Pump.Limits.MaxBufferedInput;
        try
        {
            while (true)
            {
                bool end = false;
                if (!runAgain)
                {
                    if (count == buffer.Length)
                    {
                        if (count >= limit)
                        {
                            error = $"more than {limit} bytes of input buffered without a complete request";
                            break;
                        }

                        var bigger = TransientBuffers.Rent(Math.Min(buffer.Length * 2, limit));
                        buffer.AsSpan(0, count).CopyTo(bigger);
                        TransientBuffers.Return(buffer);
                        buffer = bigger;
                    }

                    _waitingAtBoundary = Pump.IsBetweenRequests(count);
                    Interlocked.MemoryBarrier(); // pairs with the fence in RequestStop
                    if (_waitingAtBoundary && Pump.StopRequested)
                    {
                        error = "server stopping";
                        break;
                    }

                    int n = Socket.Receive(buffer, count, buffer.Length - count, SocketFlags.None);
                    _waitingAtBoundary = false;
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

                var step = Pump.Run(new ReadOnlySequence<byte>(buffer, 0, count), end, output);
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
                    if (count == 0 && buffer.Length > DefaultBufferSize * 2)
                    {
                        TransientBuffers.Return(buffer);
                        buffer = TransientBuffers.Rent(DefaultBufferSize);
                    }
                }

                // A connection thread may block, so a request the core would not run on an event loop runs here.
                runAgain = step.Next is PumpNext.RunAgain or PumpNext.Offload;
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
            TransientBuffers.Return(buffer);
            output.Dispose();
            Finish(error, closedByPeer);
        }
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
