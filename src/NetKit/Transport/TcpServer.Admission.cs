using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Connections;
using NetKit.Protocols;
using NetKit.Transport.Epoll;
using NetKit.Transport.Tls;

namespace NetKit.Transport;

/// <summary>Admission: the one copy of the rules that take an accepted socket in or turn it away, whichever model accepted it, and the summary of refusals.</summary>
public sealed partial class TcpServer
{
    /// <summary>
    /// Registers an accepted socket, or closes it at once when the server is full or stopping: the one copy of
    /// the admission rules, whichever model accepted it.
    /// </summary>
    internal ServerConnection? Admit<TSocket>(TSocket socket,
        Func<long, TSocket, IConnectionProtocol, TcpServer, ServerConnection> create)
        where TSocket : IAcceptedSocket
    {
        int active = Interlocked.Increment(ref _active);
        int max = EffectiveMaxConnections;
        // --once serves one connection: with several epoll loops accepting, another may have claimed it.
        bool stopping = Volatile.Read(ref _stopping) != 0
                        || (Options.Once && Interlocked.CompareExchange(ref _onceClaimed, 1, 0) != 0);
        if ((max > 0 && active > max) || stopping)
        {
            Interlocked.Decrement(ref _active);
            NetKitMetrics.ConnectionsRejected.Add(1, _serviceTag, new("reason", stopping ? "stopping" : "max_connections"));
            if (!stopping)
            {
                Interlocked.Increment(ref _refusedSinceReport);
                Refuse(socket);
            }

            socket.Close();
            return null;
        }

        if (!DescriptorBudget.TryTake())
        {
            // Other servers of this process hold the descriptors left: refused as if this one were full.
            Interlocked.Decrement(ref _active);
            NetKitMetrics.ConnectionsRejected.Add(1, _serviceTag, new("reason", "descriptors"));
            Interlocked.Increment(ref _refusedSinceReport);
            Refuse(socket);
            socket.Close();
            return null;
        }

        try
        {
            var remote = socket.RemoteEndPoint;
            bool overTcp = remote is IPEndPoint || UnixEndPoint is null;
            if (overTcp)
            {
                // A Unix socket has no Nagle to turn off: the option is refused there.
                socket.SetNoDelay(Options.NoDelay);
            }

            long id = Interlocked.Increment(ref _nextId);
            var info = overTcp
                ? new ConnectionInfo(id, remote, socket.LocalEndPoint, DateTimeOffset.UtcNow)
                : new ConnectionInfo(id, UnixEndPoint, UnixEndPoint, DateTimeOffset.UtcNow);
            var connection = create(id, socket, _protocolFactory(info), this);
            _connections[connection.Id] = connection;
            NetKitMetrics.ConnectionsAccepted.Add(1, _serviceTag);
            NetKitMetrics.ConnectionsActive.Add(1, _serviceTag);
            TransportLog.NewConnection(Logger, Name, connection.Peer);
            return connection;
        }
        catch (Exception ex)
        {
            // The peer reset between accept and setup (nothing to serve), or the core could not be created:
            // either way this connection is dropped and the accept loop goes on.
            if (ex is not SocketException)
            {
                TransportLog.ConnectionFailed(Logger, ex, Name, null);
            }

            Interlocked.Decrement(ref _active);
            DescriptorBudget.Release();
            Volatile.Write(ref _onceClaimed, 0);
            socket.Close();
            return null;
        }
    }

    /// <summary>Tells a refused peer why (kv: Redis's error line), without ever waiting on it.</summary>
    private void Refuse<TSocket>(TSocket socket)
        where TSocket : IAcceptedSocket
    {
        if (!Options.RefusalMessage.IsEmpty)
        {
            socket.SendRefusal(Options.RefusalMessage.Span);
        }
    }

    /// <summary>
    /// <see cref="TcpServerOptions.MaxConnections"/>, lowered to what the process's descriptor limit allows
    /// (see <see cref="DescriptorBudget"/>).
    /// </summary>
    public int EffectiveMaxConnections
    {
        get
        {
            int budget = DescriptorBudget.MaxConnections;
            int max = Options.MaxConnections;
            return budget <= 0 ? max : max <= 0 ? budget : Math.Min(max, budget);
        }
    }

    /// <summary>
    /// One line per interval for the connections refused in it, not one each: a flood of connections past
    /// the limit must not turn into a flood of log lines.
    /// </summary>
    private void ReportRefusals(long now, bool force)
    {
        if (!force && now - Volatile.Read(ref _lastRefusalReport) < RefusalReportIntervalMs)
        {
            return;
        }

        long refused = Interlocked.Exchange(ref _refusedSinceReport, 0);
        long since = Interlocked.Exchange(ref _lastRefusalReport, now);
        if (refused > 0)
        {
            int seconds = (int)Math.Max(1, Math.Round((now - since) / 1000.0));
            TransportLog.ConnectionsRefused(Logger, Name, refused, seconds, EffectiveMaxConnections);
        }
    }
}
