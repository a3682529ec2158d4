using System.Buffers;
using System.Net.Sockets;
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
        var input = new ReceiveBuffer(DefaultBufferSize);
        var output = new PooledBufferWriter();
        bool runAgain = false; // the core stopped at its output budget with complete requests left
        int limit = Pump.Limits.MaxBufferedInput;
        try
        {
            while (true)
            {
                bool end = false;
                if (!runAgain)
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

                    int n = Socket.Receive(room.Span, SocketFlags.None);
                    _waitingAtBoundary = false;
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
