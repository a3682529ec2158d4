using System.Diagnostics;

namespace NetKit.Load;

/// <summary>The clock every connection of one run reads: when measuring starts and ends (the end moved
/// forward when the run is stopped early), the request budget, and in an open loop when each request is
/// due. Timestamps are <see cref="Stopwatch.GetTimestamp"/> ticks.</summary>
internal sealed class LoadSchedule
{
    private readonly double _ticksPerRequest;
    private readonly bool _capped;
    private long _deadline;
    private long _remainingRequests;

    public LoadSchedule(long begin, LoadOptions options, int connections)
    {
        Begin = begin;
        MeasureStart = begin + ToTicks(options.Warmup);
        _deadline = MeasureStart + ToTicks(options.Duration);
        Connections = connections;
        _ticksPerRequest = options.Rate > 0 ? Stopwatch.Frequency / options.Rate : 0;
        _capped = options.MaxRequests > 0;
        _remainingRequests = options.MaxRequests;
    }

    /// <summary>When load starts (the warm-up with it).</summary>
    public long Begin { get; }

    /// <summary>From here completed requests count.</summary>
    public long MeasureStart { get; }

    /// <summary>After this no request is sent and no completion counts.</summary>
    public long Deadline => Volatile.Read(ref _deadline);

    /// <summary>The connections the open loop's rate is spread over.</summary>
    public int Connections { get; }

    public bool OpenLoop => _ticksPerRequest > 0;

    /// <summary>Open loop: when the <paramref name="sequence"/>-th request of <paramref name="connection"/> is
    /// due. The run's requests are due one after another at the rate, dealt to the connections in turn.</summary>
    public long DueTime(int connection, long sequence) => Begin + (long)(((sequence * Connections) + connection) * _ticksPerRequest);

    /// <summary>Open loop: when the <paramref name="index"/>-th request of the whole run is due.</summary>
    public long DueTime(long index) => Begin + (long)(index * _ticksPerRequest);

    /// <summary>Ends the run now (cancellation).</summary>
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

    /// <summary>The request budget is spent: no more requests are sent, and the run ends once the replies
    /// to those sent are in (the deadline stays, so they still count).</summary>
    public bool BudgetSpent => _capped && Volatile.Read(ref _remainingRequests) <= 0;

    /// <summary>Takes one request from the budget; false once it is spent.</summary>
    public bool TryTakeRequest()
    {
        if (!_capped)
        {
            return true;
        }

        if (Volatile.Read(ref _remainingRequests) <= 0)
        {
            return false;
        }

        if (Interlocked.Decrement(ref _remainingRequests) >= 0)
        {
            return true;
        }

        Interlocked.Increment(ref _remainingRequests);
        return false;
    }

    public static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
