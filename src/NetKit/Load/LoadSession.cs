using NetKit.Transport;

namespace NetKit.Load;

/// <summary>
/// One connection's requests, replies and counts, without a socket: the engine moves bytes in and out of
/// its buffers and tells it the time. Buffers are allocated once (a pipeline's worth of requests, a
/// bounded receive buffer), so a request allocates nothing. Not thread-safe: one engine loop drives it;
/// the counters may be read from another thread for progress, where a slightly stale value is fine.
/// </summary>
internal sealed class LoadSession
{
    /// <summary>Receive buffers stay this small unless a whole reply needs more: 10,000 connections.</summary>
    private const int MinReceiveBuffer = 512;

    private readonly LoadWorkload _workload;
    private readonly LoadSchedule _schedule;
    private readonly LatencyHistogram _latency;
    private readonly int _pipeline;
    private readonly byte[] _send;
    private readonly byte[] _receive;
    private readonly long[] _dueAt;
    private readonly long[] _sentAt;
    private int _sendStart;
    private int _sendEnd;
    private int _receiveStart;
    private int _receiveEnd;
    private int _head;
    private int _replyState;
    private long _completedTotal;
    private readonly string _operation;

    public LoadSession(int index, LoadWorkload workload, LoadSchedule schedule, LatencyHistogram latency, int pipeline,
        string target)
    {
        Index = index;
        _operation = $"load on {target}";
        _workload = workload;
        _schedule = schedule;
        _latency = latency;
        _pipeline = pipeline;
        _send = new byte[Math.Max(1, workload.RequestSize * pipeline)];
        _receive = new byte[Math.Max(MinReceiveBuffer, Math.Min(workload.MaxReplySize * pipeline, 64 * 1024))];
        _receive = _receive.Length < workload.MaxReplySize ? new byte[workload.MaxReplySize] : _receive;
        _dueAt = new long[pipeline];
        _sentAt = new long[pipeline];
    }

    public int Index { get; }

    /// <summary>Requests sent (or queued to be) whose reply is not in yet.</summary>
    public int Outstanding { get; private set; }

    /// <summary>Requests this connection has queued, warm-up included.</summary>
    public long Sequence { get; private set; }

    /// <summary>Requests answered inside the measured window.</summary>
    public long Completed { get; private set; }

    /// <summary>Requests answered at any time, for the progress line.</summary>
    public long CompletedTotal => Volatile.Read(ref _completedTotal);

    /// <summary>Failures: a wrong reply, the server closing or resetting the connection, a failed reconnect.</summary>
    public long Errors { get; private set; }

    /// <summary>Requests that got no reply within the request timeout, or none by the end of the run.</summary>
    public long TimedOut { get; private set; }

    /// <summary>The first failure; the connection is done once it is set.</summary>
    public NetKitException? Error { get; private set; }

    public bool Failed => Error is not null;

    public bool HasPendingSend => _sendEnd > _sendStart;

    public ReadOnlyMemory<byte> PendingSend => _send.AsMemory(_sendStart, _sendEnd - _sendStart);

    /// <summary>When the oldest request in flight was queued; <see cref="long.MaxValue"/> when none is.</summary>
    public long OldestSentAt => Outstanding == 0 ? long.MaxValue : _sentAt[_head];

    /// <summary>Room for the next receive; the unchecked bytes are moved to the front when it runs short.</summary>
    public Memory<byte> ReceiveSpace
    {
        get
        {
            if (_receiveStart == _receiveEnd)
            {
                _receiveStart = _receiveEnd = 0;
            }
            else if (_receive.Length - _receiveEnd < _workload.MaxReplySize && _receiveStart > 0)
            {
                _receive.AsSpan(_receiveStart, _receiveEnd - _receiveStart).CopyTo(_receive);
                _receiveEnd -= _receiveStart;
                _receiveStart = 0;
            }

            return _receive.AsMemory(_receiveEnd);
        }
    }

    /// <summary>True while requests may still be sent: before the deadline, within the budget, not failed.</summary>
    public bool Running(long now) => !Failed && now < _schedule.Deadline && !_schedule.BudgetSpent;

    /// <summary>Open loop: when the next request is due. Closed loop: now (a free slot is filled at once).</summary>
    public long NextDue(long now) => _schedule.OpenLoop ? _schedule.DueTime(Index, Sequence) : now;

    /// <summary>Queues every request that is due and fits in the pipeline; returns how many.</summary>
    public int Queue(long now)
    {
        int queued = 0;
        while (Outstanding < _pipeline && Running(now))
        {
            long due = now;
            if (_schedule.OpenLoop)
            {
                due = _schedule.DueTime(Index, Sequence);
                if (due > now)
                {
                    break;
                }
            }

            if (!_schedule.TryTakeRequest())
            {
                break;
            }

            if (_send.Length - _sendEnd < _workload.RequestSize)
            {
                _send.AsSpan(_sendStart, _sendEnd - _sendStart).CopyTo(_send);
                _sendEnd -= _sendStart;
                _sendStart = 0;
            }

            _workload.WriteRequest(_send.AsSpan(_sendEnd, _workload.RequestSize), Index, Sequence);
            _sendEnd += _workload.RequestSize;
            int slot = (_head + Outstanding) % _pipeline;

            // Timed from when it was due, not from when it went out: a server that stalls the loop is
            // charged for every request the stall held back (coordinated omission corrected).
            _dueAt[slot] = due;
            _sentAt[slot] = now;
            Outstanding++;
            Sequence++;
            queued++;
        }

        return queued;
    }

    public void Sent(int bytes)
    {
        _sendStart += bytes;
        if (_sendStart == _sendEnd)
        {
            _sendStart = _sendEnd = 0;
        }
    }

    /// <summary>Checks the <paramref name="bytes"/> just received into <see cref="ReceiveSpace"/>, recording
    /// each complete reply; false (and <see cref="Error"/> set) when a reply is wrong or unasked for.</summary>
    public bool Received(int bytes, long now)
    {
        _receiveEnd += bytes;
        while (_receiveStart < _receiveEnd)
        {
            if (Outstanding == 0)
            {
                Fail(new NetKitException(NetErrorKind.ProtocolViolation, _operation, "the server sent bytes no request asked for"));
                return false;
            }

            ReplyCheck check = _workload.Check(_receive.AsSpan(_receiveStart, _receiveEnd - _receiveStart), ref _replyState, out int consumed);
            _receiveStart += consumed;
            if (check == ReplyCheck.Incomplete)
            {
                break;
            }

            if (check == ReplyCheck.Wrong)
            {
                Fail(new NetKitException(NetErrorKind.ProtocolViolation, _operation, "a reply differs from the one its request must get"));
                return false;
            }

            // Counted by completion time: wrk does the same, and it keeps a request that straddles the end
            // of the warm-up from being half-measured.
            if (now >= _schedule.MeasureStart && now <= _schedule.Deadline)
            {
                _latency.RecordTimestamps(_dueAt[_head], now);
                Completed++;
            }

            Volatile.Write(ref _completedTotal, _completedTotal + 1);
            _head = (_head + 1) % _pipeline;
            Outstanding--;
        }

        return true;
    }

    /// <summary>The connection failed: counted once, and the requests it had in flight are lost with it.</summary>
    public void Fail(NetKitException error)
    {
        Errors++;
        Error ??= error;
        Drop();
    }

    /// <summary>Requests in flight got no reply in time: each counts as timed out, and the connection is done.</summary>
    public void TimeOut(NetKitException error)
    {
        TimedOut += Outstanding;
        Error ??= error;
        Drop();
    }

    /// <summary>Counts what is still in flight when the run ends as timed out, without failing the connection.</summary>
    public void Abandon()
    {
        TimedOut += Outstanding;
        Drop();
    }

    /// <summary>A connection-per-request workload starts afresh on a new connection.</summary>
    public void NewConnection()
    {
        Drop();
    }

    private void Drop()
    {
        Outstanding = 0;
        _head = 0;
        _replyState = 0;
        _sendStart = _sendEnd = 0;
        _receiveStart = _receiveEnd = 0;
    }
}
