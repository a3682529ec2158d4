using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NetKit.Connections;
using NetKit.Protocols;

namespace NetKit.Transport;

/// <summary>
/// What both connection models share: the socket, the protocol core, the activity clock the idle sweep
/// reads, and the ways a connection ends (finished, stopped between requests, cut).
/// </summary>
internal abstract class TcpConnection
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _aborted;

    protected TcpConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
    {
        Id = id;
        Socket = socket;
        Protocol = protocol;
        Server = server;
        Peer = socket.RemoteEndPoint;
        Pump = new ConnectionPump(protocol, server.Limits);
    }

    public long Id { get; }

    public EndPoint? Peer { get; }

    public Task Completion => _completion.Task;

    protected Socket Socket { get; }

    protected IConnectionProtocol Protocol { get; }

    protected TcpServer Server { get; }

    /// <summary>The connection loop's rules; the model only moves the bytes.</summary>
    protected ConnectionPump Pump { get; }

    protected ILogger Logger => Server.Logger;

    /// <summary>Why the connection was cut, when it was (idle timeout, grace period over).</summary>
    protected string? AbortReason { get; private set; }

    public long LastActivity => Pump.LastActivity;

    /// <summary>
    /// True once <see cref="Abort"/> has run. It is set before the socket is shut down, so a read that the
    /// shutdown wakes with 0 bytes sees it: that 0 is our cut, not the peer's end of stream, and a request
    /// received in part must not be run as if it were the peer's final one.
    /// </summary>
    protected bool Aborted => Volatile.Read(ref _aborted) != 0;

    protected void Touch() => Pump.Touch();

    /// <summary>The server's periodic check (see <see cref="ConnectionPump.CheckLimits"/>), logged when it cuts.</summary>
    internal string? CheckLimits(long now)
    {
        string? reason = Pump.CheckLimits(now, out bool overOutputLimit);
        if (overOutputLimit)
        {
            TransportLog.ConnectionCut(Logger, Server.Name, Peer, reason!);
        }

        return reason;
    }

    /// <summary>Replies refused by <see cref="ConnectionPump.BeforeSendAsync"/> are never sent: worth a warning.</summary>
    protected void RepliesRefused(string reason) => TransportLog.ConnectionCut(Logger, Server.Name, Peer, reason);

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
