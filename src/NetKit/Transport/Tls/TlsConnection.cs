using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using NetKit.Connections;
using NetKit.Protocols;

namespace NetKit.Transport.Tls;

/// <summary>
/// The TLS model's connection: the async model's loop over an <see cref="SslStream"/>, because a TLS record
/// must be decrypted before a core can read it and <see cref="SslStream"/> needs a Stream. The handshake runs
/// first, bounded by <see cref="TlsServerOptions.HandshakeTimeout"/>; a failed one ends the connection with
/// one line at Information, never a stack trace. Then the same rules as every model (<see cref="ConnectionPump"/>):
/// an idle connection waits with a zero-byte read (SslStream passes it down and gives its own buffer back),
/// the core runs over everything unconsumed, all the replies of a run leave in one write and the next request
/// waits until the peer has taken them, and a stop closes it at a request boundary. A clean end sends
/// close_notify before the FIN. A core that waits for pushed output (its outbox is
/// <see cref="ConnectionOutbox.Listening"/>) is waited for as in the async model, on a doorbell rung by the
/// zero-byte read (left pending across wakes; SslStream allows a write beside one read) and by the wake.
/// </summary>
internal sealed class TlsConnection : TcpConnection, IThreadPoolWorkItem
{
    /// <summary>A TLS record's most plaintext: one read then takes a whole record.</summary>
    private const int ReceiveSize = 16 * 1024;

    /// <summary>How long close_notify may take to leave; a peer that does not read does not hold the close.</summary>
    private static readonly TimeSpan CloseNotifyTimeout = TimeSpan.FromSeconds(1);

    private readonly TlsServerOptions _tls;
    private readonly AsyncDoorbell? _doorbell;
    private readonly Action? _ring;
    private ValueTask<int> _idleRead;
    private bool _idleReadPending;
    private volatile bool _waitingAtBoundary;

    public TlsConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
        : base(id, socket, protocol, server)
    {
        _tls = server.Options.Tls ?? throw new InvalidOperationException("a TLS connection needs TlsServerOptions");
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
        // A loop waiting on its doorbell alone (a held request) has no read for the cut to fail.
        _doorbell?.Ring();
    }

    public override void RequestStop()
    {
        Pump.RequestStop();
        // Store then load, against the loop's store of _waitingAtBoundary then load of StopRequested (as the
        // async model): without a full fence both may read the old value and the stop waits for the grace period.
        Interlocked.MemoryBarrier();
        if (_waitingAtBoundary)
        {
            // Wakes the pending read with end of stream; the loop reads StopRequested and closes.
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
        bool cleanEnd = false;
        var input = new ReceiveBuffer(ReceiveSize);
        var output = new PooledBufferWriter();
        var ssl = new SslStream(new NetworkStream(Socket, ownsSocket: false), leaveInnerStreamOpen: true);
        int limit = Pump.Limits.MaxBufferedInput;
        try
        {
            error = await HandshakeAsync(ssl).ConfigureAwait(false);
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
                    if (_idleReadPending || input.Count == 0)
                    {
                        // Idle between reads: give the buffer back and wait without one.
                        input.Release();
                        _waitingAtBoundary = Pump.IsBetweenRequests(0);
                        Interlocked.MemoryBarrier(); // pairs with the fence in RequestStop
                        if (_waitingAtBoundary && Pump.StopRequested)
                        {
                            error = "server stopping";
                            cleanEnd = true;
                            break;
                        }

                        if (_doorbell is not null && (_idleReadPending || Pump.Outbox!.Listening))
                        {
                            receive = await WaitReadableOrWokenAsync(ssl).ConfigureAwait(false);
                        }
                        else
                        {
                            _ = await ssl.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                        }

                        _waitingAtBoundary = false;
                        if (Aborted)
                        {
                            break;
                        }
                    }

                    if (receive)
                    {
                        var room = input.Room(ReceiveSize, limit);
                        if (room.IsEmpty)
                        {
                            error = $"more than {limit} bytes of input buffered without a complete request";
                            break;
                        }

                        int n = await ssl.ReadAsync(room).ConfigureAwait(false);
                        if (n == 0 && Aborted)
                        {
                            break;
                        }

                        if (n == 0 && Pump.StopRequested && Pump.IsBetweenRequests(input.Count))
                        {
                            // RequestStop's shutdown woke the read, not the peer.
                            error = "server stopping";
                            cleanEnd = true;
                            break;
                        }

                        end = n == 0;
                        input.Received(n);
                    }
                }

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

                    await ssl.WriteAsync(output.WrittenMemory).ConfigureAwait(false);
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
                await SendCloseNotifyAsync(ssl).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsExpectedFailure(ex) || ex is IOException or AuthenticationException)
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
            ssl.Dispose();
            Finish(error, closedByPeer);
        }
    }

    /// <summary>
    /// Waits on the doorbell for either the zero-byte read (kept pending across wakes) or the outbox's wake.
    /// True when the stream is readable (data or its end), false when woken with nothing to read.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WaitReadableOrWokenAsync(SslStream ssl)
    {
        if (!_idleReadPending)
        {
            var read = ssl.ReadAsync(Memory<byte>.Empty);
            if (read.IsCompleted)
            {
                read.GetAwaiter().GetResult();
                return true;
            }

            _idleRead = read;
            _idleReadPending = true;
            read.GetAwaiter().UnsafeOnCompleted(_ring!);
        }

        while (!_idleRead.IsCompleted && !Pump.WakePending && !Aborted)
        {
            await _doorbell!.WaitAsync().ConfigureAwait(false);
        }

        if (!_idleRead.IsCompleted)
        {
            return false;
        }

        _idleReadPending = false;
        _idleRead.GetAwaiter().GetResult();
        return true;
    }

    /// <summary>The server's side of the handshake; the reason it failed, or null.</summary>
    private async Task<string?> HandshakeAsync(SslStream ssl)
    {
        using var deadline = new CancellationTokenSource(_tls.HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(_tls.Authentication, deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return $"TLS handshake not done within {_tls.HandshakeTimeout.TotalSeconds:0.###} s";
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or ObjectDisposedException)
        {
            // A cut (the grace period, the sweep) is reported by its own reason.
            return Aborted ? "closed" : "TLS handshake failed: " + TlsErrors.OneLine(ex);
        }
    }

    private static async Task SendCloseNotifyAsync(SslStream ssl)
    {
        try
        {
            await ssl.ShutdownAsync().WaitAsync(CloseNotifyTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or TimeoutException
                                      or InvalidOperationException)
        {
            // The peer is gone or not reading: the FIN that follows ends the connection all the same.
        }
    }
}
