using System.Net.Sockets;
using NetKit.Connections;

namespace NetKit.Transport;

/// <summary>
/// What the two models over <see cref="System.Net.Sockets.Socket"/> (async, threads) share: the socket, and
/// closing it so that the last replies survive (FIN, then the peer's unread input read away) or cutting it.
/// </summary>
internal abstract class TcpConnection : ServerConnection
{
    private int _aborted;

    protected TcpConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
        : base(id, socket.RemoteEndPoint, protocol, server)
    {
        Socket = socket;
    }

    protected Socket Socket { get; }

    /// <summary>Why the connection was cut, when it was (idle timeout, grace period over).</summary>
    protected string? AbortReason { get; private set; }

    /// <summary>
    /// True once <see cref="Abort"/> has run. It is set before the socket is shut down, so a read that the
    /// shutdown wakes with 0 bytes sees it: that 0 is our cut, not the peer's end of stream, and a request
    /// received in part must not be run as if it were the peer's final one.
    /// </summary>
    protected bool Aborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>Cuts the connection now: pending reads and writes fail and the loop ends.</summary>
    public override void Abort(string reason)
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
        Ended(error, closedByPeer);
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

    /// <summary>True when <paramref name="step"/> ends the connection, with why.</summary>
    protected static bool Ends(PumpStep step, ref string? error, ref bool closedByPeer)
    {
        if (step.Next != PumpNext.Close)
        {
            return false;
        }

        closedByPeer = step.ClosedByPeer;
        error = step.Error;
        return true;
    }
}
