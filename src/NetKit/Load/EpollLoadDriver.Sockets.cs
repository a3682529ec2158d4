using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using NetKit.Transport;
using static NetKit.Load.LinuxSocketCalls;

namespace NetKit.Load;

/// <summary>The driver's socket work: connecting (and reconnecting after a failure), the epoll registrations, and the non-blocking send, receive and close through libc.</summary>
internal sealed partial class EpollLoadDriver
{
    /// <summary>Opens every connection before load starts; false when none opened or the run was canceled.</summary>
    private unsafe bool ConnectAll(byte* events)
    {
        for (int i = 0; i < _connections.Length; i++)
        {
            _connections[i] = new EpollLoadConnection();
        }

        int next = 0;
        int inFlight = 0;
        var connecting = new List<int>();
        while (next < _connections.Length || inFlight > 0)
        {
            if (_cancellation.IsCancellationRequested)
            {
                SetStartCanceled(_cancellation);
                return false;
            }

            long now = Stopwatch.GetTimestamp();
            while (inFlight < Options.ConnectConcurrency && next < _connections.Length)
            {
                int index = next++;
                if (StartConnect(_connections[index], index, now, out NetKitException? error))
                {
                    inFlight++;
                    connecting.Add(index);
                }
                else
                {
                    ConnectFailed(error!);
                }
            }

            int n = Wait(events, 100);
            now = Stopwatch.GetTimestamp();
            for (int e = 0; e < n; e++)
            {
                int index = (int)DataAt(events, e);
                var connection = _connections[index];
                if (connection.Connecting && FinishConnect(connection, out NetKitException? error))
                {
                    inFlight--;
                    if (error is not null)
                    {
                        ConnectFailed(error);
                    }
                    else
                    {
                        // Level-triggered: a connected socket left watched for EPOLLOUT would wake every turn.
                        Watch(connection, index, EpollCtlMod, write: false);
                    }
                }
            }

            // A connect timeout is per attempt: a SYN lost to a full backlog must not hold the run.
            for (int c = connecting.Count - 1; c >= 0; c--)
            {
                var connection = _connections[connecting[c]];
                if (!connection.Connecting)
                {
                    connecting.RemoveAt(c);
                }
                else if (now - connection.ConnectStartedAt > _connectTimeout)
                {
                    CloseSocket(connection);
                    inFlight--;
                    connecting.RemoveAt(c);
                    ConnectFailed(new NetKitException(NetErrorKind.TimedOut, $"cannot connect to {Target}"));
                }
            }
        }

        var open = new List<EpollLoadConnection>();
        foreach (var connection in _connections)
        {
            if (connection.Open)
            {
                open.Add(connection);
            }
        }

        if (open.Count == 0)
        {
            SetStarted(null);
            return false;
        }

        // The open connections are renumbered so the open loop's rate is spread over exactly them.
        _schedule = new LoadSchedule(Stopwatch.GetTimestamp(), Options, open.Count);
        var sessions = new LoadSession[open.Count];
        for (int i = 0; i < open.Count; i++)
        {
            sessions[i] = new LoadSession(i, Workload, _schedule, Latency, Options.Pipeline, Target);
            open[i].Session = sessions[i];
        }

        Array.Clear(_connections);
        open.CopyTo(_connections);
        for (int i = 0; i < open.Count; i++)
        {
            Watch(open[i], i, EpollCtlMod, write: false);
        }

        Sessions = sessions;
        SetStarted(_schedule);
        return true;
    }

    private void Reconnect(EpollLoadConnection connection, LoadSession session, int index, long now)
    {
        if (!StartConnect(connection, index, now, out NetKitException? error))
        {
            session.Fail(error!);
            return;
        }

        // Queued now, so a count request's time includes its connect.
        session.Queue(now);
    }

    /// <summary>Starts a non-blocking connect; false (with the error) when it failed at once.</summary>
    private bool StartConnect(EpollLoadConnection connection, int index, long now, out NetKitException? error)
    {
        error = null;
        Socket socket = TcpClientConnection.CreateSocket(_endPoint!.AddressFamily);
        socket.Blocking = false;
        connection.Socket = socket;
        connection.Fd = (int)socket.SafeHandle.DangerousGetHandle();
        connection.Connecting = true;
        connection.HalfClosed = false;
        connection.ConnectStartedAt = now;
        try
        {
            socket.Connect(_endPoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress
                                             or SocketError.AlreadyInProgress)
        {
        }
        catch (SocketException ex)
        {
            CloseSocket(connection);
            error = NetErrors.Wrap($"cannot connect to {Target}", ex);
            return false;
        }

        // Writable means connected or failed; the pending error says which.
        if (Control(_epoll, EpollCtlAdd, connection.Fd, EpollOut, (ulong)index) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            CloseSocket(connection);
            error = new NetKitException(KindOf(errno), $"cannot connect to {Target}", "epoll_ctl failed");
            return false;
        }

        connection.WatchingWrite = true;
        return true;
    }

    /// <summary>True when the connect has finished, with <paramref name="error"/> null if it succeeded.</summary>
    private bool FinishConnect(EpollLoadConnection connection, out NetKitException? error)
    {
        error = null;
        int pending = PendingError(connection.Fd);
        if (pending == EAgain || pending == 115) // EINPROGRESS: a spurious wake-up
        {
            return false;
        }

        connection.Connecting = false;
        if (pending != 0)
        {
            CloseSocket(connection);
            error = new NetKitException(KindOf(pending), $"cannot connect to {Target}");
        }

        return true;
    }

    private void Watch(EpollLoadConnection connection, int index, int op, bool write)
    {
        if (Control(_epoll, op, connection.Fd, write ? EpollIn | EpollOut : EpollIn, (ulong)index) == 0)
        {
            connection.WatchingWrite = write;
        }
    }

    private unsafe int Wait(byte* events, int timeoutMs)
    {
        int n = epoll_wait(_epoll, events, MaxEvents, timeoutMs);
        return n < 0 ? 0 : n;
    }

    private unsafe int Send(EpollLoadConnection connection, ReadOnlySpan<byte> data, out int errno)
    {
        errno = 0;
        if (_libc)
        {
            fixed (byte* p = data)
            {
                nint n = send(connection.Fd, p, data.Length, MsgDontWait | MsgNoSignal);
                if (n < 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                }

                return (int)n;
            }
        }

        int sent = connection.Socket!.Send(data, SocketFlags.None, out SocketError error);
        return error == SocketError.Success ? sent : Failure(error, out errno);
    }

    private unsafe int Receive(EpollLoadConnection connection, Span<byte> space, out int errno)
    {
        errno = 0;
        if (_libc)
        {
            fixed (byte* p = space)
            {
                nint n = recv(connection.Fd, p, space.Length, MsgDontWait);
                if (n < 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                }

                return (int)n;
            }
        }

        int received = connection.Socket!.Receive(space, SocketFlags.None, out SocketError error);
        return error == SocketError.Success ? received : Failure(error, out errno);
    }

    /// <summary>A <see cref="SocketError"/> as the errno the loop reasons in.</summary>
    private static int Failure(SocketError error, out int errno)
    {
        errno = error switch
        {
            SocketError.WouldBlock => EAgain,
            SocketError.Interrupted => EIntr,
            SocketError.ConnectionRefused => 111,
            SocketError.TimedOut => 110,
            SocketError.HostUnreachable => 113,
            _ => 104,
        };
        return -1;
    }

    private void CloseSocket(EpollLoadConnection connection)
    {
        if (connection.Socket is null)
        {
            return;
        }

        // Removed before the close: a descriptor number reused by the next connect must not inherit it.
        Control(_epoll, EpollCtlDel, connection.Fd, 0, 0);
        connection.Socket.Dispose();
        connection.Socket = null;
        connection.Fd = -1;
        connection.Connecting = false;
        connection.WatchingWrite = false;
    }
}
