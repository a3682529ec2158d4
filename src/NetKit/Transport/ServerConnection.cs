using System.Net;
using Microsoft.Extensions.Logging;
using NetKit.Connections;

namespace NetKit.Transport;

/// <summary>
/// What the server's registry, sweep and stop need of a connection, whichever model moves its bytes: the
/// activity clock, the limits check, the two ways to end it (at its next request boundary, or now), and the
/// one way its end is reported (log line, metrics, the core disposed, the server told).
/// </summary>
internal abstract class ServerConnection
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected ServerConnection(long id, EndPoint? peer, IConnectionProtocol protocol, TcpServer server)
    {
        Id = id;
        // A Unix socket client has no address of its own: the socket file stands for it, as in Redis's addr=.
        Peer = peer is IPEndPoint || server.UnixEndPoint is null ? peer : server.UnixEndPoint;
        Protocol = protocol;
        Server = server;
        Pump = new ConnectionPump(protocol, server.Limits);
        // Wakes reach the model's loop; a connection over its output limit through pushed output is cut
        // with the same warning as the sweep's.
        Pump.Outbox?.Attach(OnWake, reason =>
        {
            TransportLog.ConnectionCut(Logger, Server.Name, Peer, reason);
            Abort(reason);
        });
    }

    public long Id { get; }

    public EndPoint? Peer { get; }

    public Task Completion => _completion.Task;

    protected IConnectionProtocol Protocol { get; }

    protected TcpServer Server { get; }

    /// <summary>The connection loop's rules; the model only moves the bytes.</summary>
    protected ConnectionPump Pump { get; }

    protected ILogger Logger => Server.Logger;

    public long LastActivity => Pump.LastActivity;

    public long BytesReceived => Pump.BytesReceived;

    public long BytesSent => Pump.BytesSent;

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

    /// <summary>Asks the connection to close at its next request boundary.</summary>
    public abstract void RequestStop();

    /// <summary>Cuts the connection now: what it was doing is abandoned and it closes.</summary>
    public abstract void Abort(string reason);

    /// <summary>
    /// The core's outbox was woken (from any thread): get <see cref="ConnectionPump.Run"/> called again with no
    /// new input, on the connection's own loop, as soon as it may run (see <see cref="ConnectionPump.WakePending"/>).
    /// </summary>
    protected abstract void OnWake();

    /// <summary>Replies refused by <see cref="ConnectionPump.BeforeSendAsync"/> are never sent: worth a warning.</summary>
    protected void RepliesRefused(string reason) => TransportLog.ConnectionCut(Logger, Server.Name, Peer, reason);

    /// <summary>Reports the end once the socket is closed: the same lines and counters in every model.</summary>
    protected void Ended(string? error, bool closedByPeer)
    {
        if (error is not null)
        {
            NetKitMetrics.ConnectionErrors.Add(1, NetKitMetrics.ServiceTag(Server.Name));
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

        Pump.Ended();

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
}
