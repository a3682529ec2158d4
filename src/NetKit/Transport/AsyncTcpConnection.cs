using System.IO.Pipelines;
using System.Net.Sockets;
using NetKit.Connections;
using NetKit.Protocols;

namespace NetKit.Transport;

/// <summary>
/// The async model's connection: a <see cref="PipeReader"/> over the socket with zero-byte reads (an idle
/// connection holds no receive buffer), the core run on whatever arrived, all replies of one read sent
/// with one flush, and the pipe's examined position so a partial message waits for more bytes.
/// </summary>
internal sealed class AsyncTcpConnection : TcpConnection, IThreadPoolWorkItem
{
    private const int MinimumSegmentSize = 4096;
    private PipeReader? _reader;

    public AsyncTcpConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
        : base(id, socket, protocol, server)
    {
    }

    public override void RequestStop()
    {
        Pump.RequestStop();
        Interlocked.MemoryBarrier(); // pairs with the fence in RunAsync
        _reader?.CancelPendingRead();
    }

    void IThreadPoolWorkItem.Execute() => _ = RunAsync();

    private async Task RunAsync()
    {
        string? error = null;
        bool closedByPeer = false;
        var stream = new NetworkStream(Socket, ownsSocket: false);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(
            bufferSize: MinimumSegmentSize, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true));
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(
            minimumBufferSize: MinimumSegmentSize, leaveOpen: true));
        _reader = reader;
        // Store then load, against RequestStop's store of StopRequested then load of _reader: without a
        // full fence both sides may read the old value and the stop request would be missed.
        Interlocked.MemoryBarrier();
        if (Pump.StopRequested)
        {
            reader.CancelPendingRead();
        }

        Exception? discardOutput = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (Aborted)
                {
                    // Abort's shutdown can end the read as if the peer had closed: not the peer's end of stream.
                    break;
                }

                var buffer = result.Buffer;
                var step = Pump.Run(buffer, result.IsCompleted, writer);
                long unsent = writer.UnflushedBytes;
                if (unsent > 0)
                {
                    if (await Pump.BeforeSendAsync(unsent).ConfigureAwait(false) is { } refused)
                    {
                        RepliesRefused(refused);
                        error = refused;
                        discardOutput = new IOException(refused);
                        break;
                    }

                    await writer.FlushAsync().ConfigureAwait(false);
                    Pump.AfterSend();
                }

                if (step.Next == PumpNext.Close)
                {
                    closedByPeer = step.ClosedByPeer;
                    error = step.Error;
                    break;
                }

                // After RunAgain, examining only what was consumed makes the next read return at once with
                // the complete requests left, without waiting for the peer to send more.
                reader.AdvanceTo(buffer.GetPosition(step.Consumed),
                    step.Next == PumpNext.RunAgain ? buffer.GetPosition(step.Consumed) : buffer.End);
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
            await reader.CompleteAsync().ConfigureAwait(false);
            try
            {
                // Completed with an exception, the writer drops what it holds instead of sending it.
                await writer.CompleteAsync(discardOutput).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsExpectedFailure(ex))
            {
            }

            await stream.DisposeAsync().ConfigureAwait(false);
            Finish(error, closedByPeer);
        }
    }
}
