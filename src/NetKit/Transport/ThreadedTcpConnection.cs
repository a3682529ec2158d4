using System.Buffers;
using System.Net.Sockets;
using NetKit.Buffers;
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
        StopRequested = true;
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
        bool moreBuffered = false; // the core stopped at its output budget with complete requests left
        try
        {
            while (true)
            {
                int n = 0;
                bool end = false;
                if (!moreBuffered)
                {
                    if (count == buffer.Length)
                    {
                        if (count >= Server.Options.MaxBufferedInput)
                        {
                            error = $"more than {Server.Options.MaxBufferedInput} bytes of input buffered without a complete request";
                            break;
                        }

                        var bigger = TransientBuffers.Rent(Math.Min(buffer.Length * 2, Server.Options.MaxBufferedInput));
                        buffer.AsSpan(0, count).CopyTo(bigger);
                        TransientBuffers.Return(buffer);
                        buffer = bigger;
                    }

                    _waitingAtBoundary = count == 0 && Protocol.AtRequestBoundary;
                    Interlocked.MemoryBarrier(); // pairs with the fence in RequestStop
                    if (_waitingAtBoundary && StopRequested)
                    {
                        error = "server stopping";
                        break;
                    }

                    n = Socket.Receive(buffer, count, buffer.Length - count, SocketFlags.None);
                    _waitingAtBoundary = false;
                    if (n == 0 && Aborted)
                    {
                        // Abort's shutdown woke the receive: not the peer's end of stream.
                        break;
                    }

                    Touch();
                    if (n == 0 && StopRequested && count == 0 && Protocol.AtRequestBoundary)
                    {
                        error = "server stopping";
                        break;
                    }

                    end = n == 0;
                    count += n;
                }

                var step = Protocol.Process(new ReadOnlySequence<byte>(buffer, 0, count), end, output);
                if (output.WrittenCount > 0)
                {
                    var wait = WaitUntilRepliesMaySendAsync();
                    string? refusal = (wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult())
                        ?? SendStarting(output.WrittenCount);
                    if (refusal is not null)
                    {
                        // The replies are dropped with the writer, never sent.
                        error = refusal;
                        break;
                    }

                    SendAll(output.WrittenSpan);
                    output.Reset();
                    SendFinished();
                }

                if (end)
                {
                    closedByPeer = true;
                    break;
                }

                if (step.Close)
                {
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

                RequestProgress(count > 0 || !Protocol.AtRequestBoundary, n);
                moreBuffered = step.OutputFull;
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
