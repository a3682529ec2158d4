using System.Diagnostics;

namespace NetKit.Load;

/// <summary>The clock and limits every connection of one load run reads: when measuring starts, when it
/// ends (moved forward when the run is stopped early), the round-trip budget and the hard stop.</summary>
internal sealed class LoadRun
{
    private long _deadline;
    private long _remainingRoundTrips;
    private readonly bool _capped;

    public LoadRun(long measureStart, long deadline, long maxRoundTrips, CancellationToken hardStop)
    {
        MeasureStart = measureStart;
        _deadline = deadline;
        _capped = maxRoundTrips > 0;
        _remainingRoundTrips = maxRoundTrips;
        HardStop = hardStop;
    }

    /// <summary>Timestamp from which completed round trips count.</summary>
    public long MeasureStart { get; }

    /// <summary>Timestamp after which no request is sent and no completion counts.</summary>
    public long Deadline => Volatile.Read(ref _deadline);

    /// <summary>Cancels round trips still in flight well after <see cref="Deadline"/>: a server that stops
    /// answering must not hold the run open forever.</summary>
    public CancellationToken HardStop { get; }

    /// <summary>Ends the run now (cancellation, or the round-trip budget is spent).</summary>
    public void StopNow()
    {
        long now = Stopwatch.GetTimestamp();
        long current = Volatile.Read(ref _deadline);
        while (now < current)
        {
            long seen = Interlocked.CompareExchange(ref _deadline, now, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Takes one round trip from the budget; false once it is spent.</summary>
    public bool TryTakeRoundTrip()
    {
        if (!_capped)
        {
            return true;
        }

        if (Interlocked.Decrement(ref _remainingRoundTrips) >= 0)
        {
            return true;
        }

        StopNow();
        return false;
    }
}
