using System.Threading.Tasks.Sources;

namespace NetKit.Transport;

/// <summary>
/// What an idle async connection awaits when something besides its socket may need it (a wake of its outbox):
/// one waiter, any number of ringers, a ring remembered until the waiter takes it, no allocation per wait.
/// The waiter's continuation never runs on the ringer's thread: a ringer may be another connection's loop.
/// </summary>
internal sealed class AsyncDoorbell : IValueTaskSource
{
    private const int Idle = 0;
    private const int Rung = 1;
    private const int Waiting = 2;

    private ManualResetValueTaskSourceCore<bool> _source = new() { RunContinuationsAsynchronously = true };
    private int _state;

    /// <summary>Rings, from any thread: the pending or the next <see cref="WaitAsync"/> completes.</summary>
    public void Ring()
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Rung:
                    return;
                case Idle:
                    if (Interlocked.CompareExchange(ref _state, Rung, Idle) == Idle)
                    {
                        return;
                    }

                    break;
                default:
                    if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
                    {
                        _source.SetResult(true);
                        return;
                    }

                    break;
            }
        }
    }

    /// <summary>Completes once rung (at once if it already was), taking the ring. One waiter at a time.</summary>
    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Rung) == Rung)
        {
            return ValueTask.CompletedTask;
        }

        // Reset before the state says "waiting": a ringer that sees it completes this wait's version.
        _source.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) == Idle)
        {
            return new ValueTask(this, _source.Version);
        }

        // Rung between the two exchanges: only a ringer moves Idle to Rung, and only the waiter moves it back.
        Volatile.Write(ref _state, Idle);
        return ValueTask.CompletedTask;
    }

    void IValueTaskSource.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _source.OnCompleted(continuation, state, token, flags);
}
