using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NetKit.Protocols;

namespace NetKit.Transport;

/// <summary>
/// What both connection models share: the socket, the protocol core, the activity clock the idle sweep
/// reads, and the ways a connection ends (finished, stopped between requests, cut).
/// </summary>
internal abstract class TcpConnection
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastActivity = Environment.TickCount64;
    private int _aborted;
    // Read by the server's sweep, written by the connection's loop: 0 = no send pending / no request in progress.
    private long _sendStartedAt;
    private long _unsent;
    private long _requestStartedAt;
    private long _requestBytes;

    protected TcpConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
    {
        Id = id;
        Socket = socket;
        Protocol = protocol;
        Server = server;
        Peer = socket.RemoteEndPoint;
        ReplyGate = protocol as IReplyGate;
    }

    public long Id { get; }

    public EndPoint? Peer { get; }

    public Task Completion => _completion.Task;

    protected Socket Socket { get; }

    protected IConnectionProtocol Protocol { get; }

    protected TcpServer Server { get; }

    /// <summary>Set when the core holds replies back until something else happened (see <see cref="IReplyGate"/>).</summary>
    protected IReplyGate? ReplyGate { get; }

    protected ILogger Logger => Server.Logger;

    /// <summary>Set when the server is stopping: finish the current request, then close.</summary>
    protected volatile bool StopRequested;

    /// <summary>Why the connection was cut, when it was (idle timeout, grace period over).</summary>
    protected string? AbortReason { get; private set; }

    public long LastActivity => Volatile.Read(ref _lastActivity);

    /// <summary>
    /// True once <see cref="Abort"/> has run. It is set before the socket is shut down, so a read that the
    /// shutdown wakes with 0 bytes sees it: that 0 is our cut, not the peer's end of stream, and a request
    /// received in part must not be run as if it were the peer's final one.
    /// </summary>
    protected bool Aborted => Volatile.Read(ref _aborted) != 0;

    protected void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount64);

    /// <summary>
    /// Called before sending <paramref name="bytes"/> of replies. Returns the reason to close instead when
    /// they are over the output limit's hard mark (they are then discarded, never sent).
    /// </summary>
    protected string? SendStarting(long bytes)
    {
        var limit = Server.Options.OutputLimit;
        if (limit.HardBytes > 0 && bytes > limit.HardBytes)
        {
            return OverOutputLimit(bytes, TimeSpan.Zero);
        }

        Volatile.Write(ref _unsent, bytes);
        Volatile.Write(ref _sendStartedAt, Environment.TickCount64);
        return null;
    }

    /// <summary>Called once a send has completed (the peer's window took every byte).</summary>
    protected void SendFinished()
    {
        Volatile.Write(ref _sendStartedAt, 0);
        Volatile.Write(ref _unsent, 0);
        if (Volatile.Read(ref _requestStartedAt) != 0)
        {
            // The peer could not be expected to send while we were not reading: its request's clock restarts.
            Volatile.Write(ref _requestBytes, 0);
            Volatile.Write(ref _requestStartedAt, Environment.TickCount64);
        }

        Touch();
    }

    /// <summary>
    /// Called after each run of the core: <paramref name="inProgress"/> when a request has been received in
    /// part (bytes left unconsumed, or a core mid-request), with the bytes that arrived for it this time.
    /// </summary>
    protected void RequestProgress(bool inProgress, long received)
    {
        if (!inProgress)
        {
            Volatile.Write(ref _requestStartedAt, 0);
            return;
        }

        if (Volatile.Read(ref _requestStartedAt) == 0)
        {
            Volatile.Write(ref _requestBytes, received);
            Volatile.Write(ref _requestStartedAt, Environment.TickCount64);
        }
        else
        {
            Volatile.Write(ref _requestBytes, Volatile.Read(ref _requestBytes) + received);
        }
    }

    /// <summary>The server's periodic check: the reason this connection must be cut now, or null.</summary>
    internal string? CheckLimits(long now)
    {
        var options = Server.Options;
        if (options.IdleTimeout > TimeSpan.Zero && now - LastActivity > (long)options.IdleTimeout.TotalMilliseconds)
        {
            return $"idle for more than {options.IdleTimeout.TotalSeconds:0.###} s";
        }

        long sendStarted = Volatile.Read(ref _sendStartedAt);
        if (sendStarted != 0)
        {
            long unsent = Volatile.Read(ref _unsent);
            var unsentFor = TimeSpan.FromMilliseconds(now - sendStarted);
            return options.OutputLimit.IsExceeded(unsent, unsentFor) ? OverOutputLimit(unsent, unsentFor) : null;
        }

        long requestStarted = Volatile.Read(ref _requestStartedAt);
        if (requestStarted != 0 && options.MinRequestDataRate > 0)
        {
            long elapsedMs = now - requestStarted;
            if (elapsedMs > options.MinRequestDataRateGracePeriod.TotalMilliseconds
                && Volatile.Read(ref _requestBytes) < options.MinRequestDataRate * elapsedMs / 1000)
            {
                return $"request data arriving slower than the minimum of {options.MinRequestDataRate:0.###} bytes/s";
            }
        }

        return null;
    }

    private string OverOutputLimit(long unsent, TimeSpan unsentFor)
    {
        string reason = $"output buffer limit reached: {unsent} bytes unsent"
                        + (unsentFor > TimeSpan.Zero ? $" for {unsentFor.TotalSeconds:0} s" : string.Empty)
                        + $" (client-output-buffer-limit {Server.Options.OutputLimit})";
        TransportLog.OutputLimitReached(Logger, Server.Name, Peer, reason);
        return reason;
    }

    /// <summary>
    /// Waits until the replies written so far may be sent (kv: their writes are in the log as the fsync
    /// policy requires). Returns the reason to close instead when they may not: the log could not be
    /// written, so the replies — acknowledgements among them — must be discarded, never sent.
    /// </summary>
    protected async ValueTask<string?> WaitUntilRepliesMaySendAsync()
    {
        if (ReplyGate is null)
        {
            return null;
        }

        try
        {
            await ReplyGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            return "replies withheld: " + ex.Message;
        }
    }

    /// <summary>Asks the connection to close at its next request boundary.</summary>
    public abstract void RequestStop();

    /// <summary>Cuts the connection now: pending reads and writes fail and the loop ends.</summary>
    public void Abort(string reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        AbortReason = reason;
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        Socket.Dispose();
    }

    /// <summary>Ends the connection's life once its loop has returned: close the socket, log, signal.</summary>
    protected void Finish(string? error, bool closedByPeer)
    {
        if (AbortReason is { } reason)
        {
            error = reason;
        }

        try
        {
            if (Socket.Connected && !Aborted)
            {
                // FIN right after the last reply, then read away what the peer already sent: closing a
                // socket with unread input makes the kernel send a reset, and a peer that gets one may
                // lose the replies it has not read yet ("ERR line too long", "bye").
                Socket.Shutdown(SocketShutdown.Send);
                DrainUnreadInput();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        Socket.Dispose();
        if (error is not null)
        {
            NetKitMetrics.ConnectionErrors.Add(1);
            TransportLog.ConnectionEnded(Logger, Server.Name, Peer, error);
        }
        else if (closedByPeer)
        {
            TransportLog.ConnectionClosed(Logger, Server.Name, Peer);
        }
        else
        {
            TransportLog.ConnectionEnded(Logger, Server.Name, Peer, "closed by server");
        }

        if (Protocol is IDisposable disposable)
        {
            try
            {
                disposable.Dispose();
            }
            catch (Exception ex)
            {
                TransportLog.ConnectionFailed(Logger, ex, Server.Name, Peer);
            }
        }

        Server.OnConnectionFinished(this);
        _completion.TrySetResult();
    }

    /// <summary>Discards input already received (never waits for more), up to a bound.</summary>
    private void DrainUnreadInput()
    {
        Span<byte> scratch = stackalloc byte[4096];
        int budget = 256 * 1024;
        while (budget > 0 && Socket.Available > 0)
        {
            int n = Socket.Receive(scratch, SocketFlags.None);
            if (n <= 0)
            {
                return;
            }

            budget -= n;
        }
    }

    /// <summary>Turns an exception from the socket into the reason logged for the connection's end.</summary>
    protected static string DescribeFailure(Exception exception) =>
        exception is ObjectDisposedException || exception is SocketException { SocketErrorCode: SocketError.OperationAborted }
            ? "closed"
            : NetErrors.Describe(NetErrors.Classify(exception));

    protected static bool IsExpectedFailure(Exception exception) =>
        exception is SocketException or ObjectDisposedException or OperationCanceledException
        || (exception is IOException io && io.InnerException is SocketException or ObjectDisposedException);
}
