namespace NetKit.KeyValue;

/// <summary>
/// CLIENT PAUSE and UNPAUSE, as Redis 7.0: a pause holds, until it ends, every command it covers (all of them,
/// or those that write) before it runs; a later pause keeps the wider mode and the later end. A held client
/// reads nothing more (its connection waits for a wake); when the pause ends — UNPAUSE, or its timer — every
/// held client is woken and runs what it was holding. Checking costs one read while no pause is on.
/// </summary>
internal sealed class ClientPause : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<PubSubSession> _held = [];
    private ITimer? _timer;
    private volatile PauseMode _mode;
    private long _endMs;
    private int _heldCount;

    public ClientPause(TimeProvider time) => _time = time;

    /// <summary>True while a pause may be on (its end may have passed without its timer having fired yet).</summary>
    public bool Active => _mode != PauseMode.None;

    /// <summary>
    /// True while a pause is on, whatever its mode: as Redis 7, keys past their time then read as missing but are
    /// neither deleted nor logged, so nothing is written while writes are held.
    /// </summary>
    public bool SuspendsExpiry => _mode != PauseMode.None && NowMs() < Volatile.Read(ref _endMs);

    /// <summary>Clients holding a command now (INFO's blocked_clients).</summary>
    public int HeldCount => Volatile.Read(ref _heldCount);

    /// <summary>Pauses for <paramref name="milliseconds"/> from now, or longer if a pause already runs past that.</summary>
    public void Pause(long milliseconds, PauseMode mode)
    {
        lock (_gate)
        {
            long now = NowMs();
            long end = milliseconds >= long.MaxValue - now ? long.MaxValue : now + milliseconds;
            if (_mode == PauseMode.None)
            {
                _endMs = end;
            }
            else
            {
                _endMs = Math.Max(_endMs, end);
            }

            if (mode > _mode)
            {
                _mode = mode;
            }

            _timer ??= _time.CreateTimer(static state => ((ClientPause)state!).EndIfDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(Due(now), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Ends the pause now: every held client goes on.</summary>
    public void Unpause()
    {
        lock (_gate)
        {
            EndLocked();
        }
    }

    /// <summary>
    /// Holds <paramref name="session"/>'s next command when the pause covers it; it is woken when the pause ends.
    /// False when no pause covers it (any more).
    /// </summary>
    public bool TryHold(PubSubSession session, bool writes)
    {
        lock (_gate)
        {
            if (_mode == PauseMode.None)
            {
                return false;
            }

            if (NowMs() >= _endMs)
            {
                // Its time is up though the timer has not fired yet.
                EndLocked();
                return false;
            }

            if (_mode == PauseMode.Write && !writes)
            {
                return false;
            }

            if (!session.Held)
            {
                session.Held = true;
                _held.Add(session);
                Volatile.Write(ref _heldCount, _held.Count);
            }

            return true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void EndIfDue()
    {
        lock (_gate)
        {
            if (_mode == PauseMode.None)
            {
                return;
            }

            long now = NowMs();
            if (now >= _endMs)
            {
                EndLocked();
            }
            else
            {
                // Extended since this firing was set.
                _timer?.Change(Due(now), Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void EndLocked()
    {
        _mode = PauseMode.None;
        _endMs = 0;
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        foreach (var session in _held)
        {
            session.Held = false;
            session.Outbox.Wake();
        }

        _held.Clear();
        Volatile.Write(ref _heldCount, 0);
    }

    private TimeSpan Due(long now) =>
        TimeSpan.FromMilliseconds(Math.Min(Math.Max(0, _endMs - now), (long)int.MaxValue - 1));

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
