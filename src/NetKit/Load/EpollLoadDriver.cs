using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using NetKit.Transport;
using static NetKit.Load.LinuxSocketCalls;

namespace NetKit.Load;

/// <summary>
/// The Linux engine: every connection on one thread, in one level-triggered epoll loop over non-blocking
/// sockets, through direct system calls. A turn reads each ready socket once, checks the replies, queues
/// the next requests and sends them at once; EPOLLOUT is watched only while a send would block. So the
/// generator costs about one system call per read and per send, and one core at most, however many
/// connections it drives.
/// </summary>
/// <remarks>
/// Connecting is part of the loop too (non-blocking connects, <see cref="LoadOptions.ConnectConcurrency"/> in
/// flight): a socket connected through the runtime's async engine would stay registered with its epoll
/// thread, which would then wake for every reply as well.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed partial class EpollLoadDriver : LoadDriver
{
    private const int MaxEvents = 1024;

    /// <summary>How often request and connect timeouts are looked for, and the longest wait for events, so
    /// a stop or an abort is noticed within this long.</summary>
    private static readonly long ScanInterval = Stopwatch.Frequency / 10;

    private readonly EpollLoadConnection[] _connections;
    private readonly bool _libc;
    private readonly long _requestTimeout;
    private readonly long _connectTimeout;
    private IPEndPoint? _endPoint;
    private int _epoll = -1;
    private volatile bool _abort;
    private CancellationToken _cancellation;
    private LoadSchedule? _schedule;

    public EpollLoadDriver(LoadOptions options, LoadWorkload workload, LatencyHistogram latency)
        : base(options, workload, latency)
    {
        _connections = new EpollLoadConnection[options.Connections];
        _libc = options.SocketIo == LoadSocketIo.Libc;
        _requestTimeout = LoadSchedule.ToTicks(options.RequestTimeout);
        _connectTimeout = LoadSchedule.ToTicks(options.ConnectTimeout);
    }

    public override void Start(CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken;
        _ = RunAsync();
    }

    public override void Abort() => _abort = true;

    private async Task RunAsync()
    {
        IPAddress address;
        try
        {
            address = (await Options.Target.ResolveAsync(_cancellation).ConfigureAwait(false))[0];
        }
        catch (NetKitException ex)
        {
            for (int i = 0; i < Options.Connections; i++)
            {
                ConnectFailed(ex);
            }

            SetStarted(null);
            SetCompleted();
            return;
        }
        catch (OperationCanceledException)
        {
            SetStartCanceled(_cancellation);
            SetCompleted();
            return;
        }

        _endPoint = new IPEndPoint(address, Options.Target.Port);

        // A thread of its own, not the pool: the loop blocks in epoll_wait for the whole run.
        var thread = new Thread(Loop) { IsBackground = true, Name = "netkit bench epoll" };
        thread.Start();
    }

    private unsafe void Loop()
    {
        try
        {
            _epoll = epoll_create1(EpollCloexec);
            if (_epoll < 0)
            {
                throw new NetKitException(KindOf(Marshal.GetLastPInvokeError()), "cannot create an epoll instance");
            }

            byte* events = stackalloc byte[MaxEvents * EventSize];
            if (!ConnectAll(events))
            {
                return;
            }

            Drive(events);
        }
        catch (Exception ex)
        {
            SetStartFailed(ex);
        }
        finally
        {
            foreach (var connection in _connections)
            {
                if (connection is not null)
                {
                    CloseSocket(connection);
                }
            }

            if (_epoll >= 0)
            {
                close(_epoll);
            }

            SetCompleted();
        }
    }

    private unsafe void Drive(byte* events)
    {
        LoadSchedule schedule = _schedule!;
        int count = Sessions.Count;
        long nextScan = Stopwatch.GetTimestamp() + ScanInterval;
        long nextDue = 0; // open loop: the run's next request, by its index in the whole run
        if (!schedule.OpenLoop)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < count; i++)
            {
                Pump(_connections[i], i, start);
            }
        }

        // The run, then the drain: no new requests, replies in flight waited for up to the request timeout.
        while (!_abort)
        {
            long now = Stopwatch.GetTimestamp();
            if (schedule.BudgetSpent && NothingInFlight())
            {
                break;
            }

            long deadline = schedule.Deadline;
            bool draining = now >= deadline;
            if (draining && (now - deadline > _requestTimeout || NothingInFlight()))
            {
                break;
            }

            int timeout;
            if (!draining && schedule.OpenLoop)
            {
                nextDue = PumpDue(schedule, nextDue, count, now);
                long wait = Math.Min(schedule.DueTime(nextDue), deadline) - now;

                // epoll_wait counts milliseconds: a request due sooner waits for the next one (at most 1 ms
                // late, and that lateness is in its latency, measured from when it was due).
                timeout = (int)Math.Clamp((wait + Stopwatch.Frequency / 1000 - 1) / (Stopwatch.Frequency / 1000), 0, 100);
            }
            else
            {
                long until = draining ? Math.Min(nextScan, deadline + _requestTimeout) : Math.Min(nextScan, deadline);
                timeout = (int)Math.Clamp((until - now) * 1000 / Stopwatch.Frequency + 1, 0, 100);
            }

            int n = Wait(events, timeout);
            now = Stopwatch.GetTimestamp();
            for (int e = 0; e < n; e++)
            {
                int index = (int)DataAt(events, e);
                Handle(_connections[index], index, EventsAt(events, e), now);
            }

            if (now >= nextScan)
            {
                nextScan = now + ScanInterval;
                if (!ScanTimeouts(now))
                {
                    break;
                }
            }
        }

        foreach (var session in Sessions)
        {
            session.Abandon();
        }
    }

    /// <summary>Open loop: lets each connection a request has come due on since the last turn queue and send.</summary>
    private long PumpDue(LoadSchedule schedule, long nextDue, int count, long now)
    {
        int pumped = 0;
        while (schedule.DueTime(nextDue) <= now)
        {
            int index = (int)(nextDue % count);
            Pump(_connections[index], index, now);
            nextDue++;
            if (++pumped > count)
            {
                // Every connection has had its turn: the rest of what is due waits for free pipeline slots,
                // which a reply opens (and pumps). Skip to now rather than walking every overdue request.
                long ticks = now - schedule.Begin;
                return Math.Max(nextDue, (long)(ticks * (Options.Rate / Stopwatch.Frequency)) + 1);
            }
        }

        return nextDue;
    }

    private bool NothingInFlight()
    {
        foreach (var session in Sessions)
        {
            if (session.Outstanding > 0)
            {
                return false;
            }
        }

        return true;
    }

    private void Handle(EpollLoadConnection connection, int index, uint events, long now)
    {
        LoadSession? session = connection.Session;
        if (connection.Connecting)
        {
            if (FinishConnect(connection, out NetKitException? error) && session is not null)
            {
                if (error is not null)
                {
                    session.Fail(error);
                }
                else
                {
                    Watch(connection, index, EpollCtlMod, write: false);
                    Pump(connection, index, now);
                }
            }

            return;
        }

        if (session is null || connection.Socket is null)
        {
            return;
        }

        if ((events & (EpollIn | EpollErr | EpollHup)) != 0)
        {
            Read(connection, session, index, now);
        }

        if ((events & EpollOut) != 0 && connection.Socket is not null && !session.Failed)
        {
            Flush(connection, session, index);
        }
    }

    private void Read(EpollLoadConnection connection, LoadSession session, int index, long now)
    {
        // One receive per readiness: level-triggered epoll reports the socket again if more is waiting,
        // which saves the receive that would only have said "would block".
        Memory<byte> space = session.ReceiveSpace;
        int received = Receive(connection, space.Span, out int errno);
        if (received < 0)
        {
            if (errno != EAgain && errno != EIntr)
            {
                session.Fail(new NetKitException(KindOf(errno), $"load on {Target}", "the connection failed"));
                CloseSocket(connection);
            }

            return;
        }

        if (received == 0)
        {
            session.Fail(new NetKitException(NetErrorKind.ConnectionReset, $"load on {Target}",
                "the server closed the connection"));
            CloseSocket(connection);
            return;
        }

        if (!session.Received(received, now))
        {
            CloseSocket(connection);
            return;
        }

        if (Workload.ConnectionPerRequest && session.Outstanding == 0)
        {
            // count: the reply is in, this connection is done; the next request needs a new one.
            CloseSocket(connection);
            session.NewConnection();
            if (session.Running(now))
            {
                Reconnect(connection, session, index, now);
            }

            return;
        }

        Pump(connection, index, now);
    }

    /// <summary>Queues what is due on the connection and sends it.</summary>
    private void Pump(EpollLoadConnection connection, int index, long now)
    {
        LoadSession? session = connection.Session;
        if (session is null || session.Failed || !connection.Open)
        {
            return;
        }

        if (session.Queue(now) > 0 || session.HasPendingSend)
        {
            Flush(connection, session, index);
        }
    }

    private void Flush(EpollLoadConnection connection, LoadSession session, int index)
    {
        while (session.HasPendingSend)
        {
            int sent = Send(connection, session.PendingSend.Span, out int errno);
            if (sent < 0)
            {
                if (errno == EAgain)
                {
                    if (!connection.WatchingWrite)
                    {
                        Watch(connection, index, EpollCtlMod, write: true);
                    }

                    return;
                }

                if (errno == EIntr)
                {
                    continue;
                }

                session.Fail(new NetKitException(KindOf(errno), $"load on {Target}", "a send failed"));
                CloseSocket(connection);
                return;
            }

            session.Sent(sent);
        }

        if (connection.WatchingWrite)
        {
            Watch(connection, index, EpollCtlMod, write: false);
        }

        if (Workload.ConnectionPerRequest && session.Outstanding > 0 && !connection.HalfClosed)
        {
            // count answers at end of stream: the half-close is the end of the request.
            shutdown(connection.Fd, ShutWr);
            connection.HalfClosed = true;
        }
    }

    /// <summary>Fails what waited too long; false once every connection has failed (nothing left to run).</summary>
    private bool ScanTimeouts(long now)
    {
        bool anyLeft = false;
        foreach (var connection in _connections)
        {
            if (connection?.Session is not { Failed: false } session)
            {
                continue;
            }

            anyLeft = true;
            if (connection.Connecting && now - connection.ConnectStartedAt > _connectTimeout)
            {
                CloseSocket(connection);
                session.Fail(new NetKitException(NetErrorKind.TimedOut, $"cannot connect to {Target}"));
            }
            else if (now - session.OldestSentAt > _requestTimeout)
            {
                CloseSocket(connection);
                session.TimeOut(new NetKitException(NetErrorKind.TimedOut, $"load on {Target}",
                    $"no reply within {Options.RequestTimeout.TotalSeconds:0.###} s"));
            }
        }

        return anyLeft;
    }
}
