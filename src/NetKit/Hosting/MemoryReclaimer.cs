using System.Runtime;

namespace NetKit.Hosting;

/// <summary>
/// Gives memory back to the OS once a burst of load is over. The GC sizes its heap for the load it last
/// saw and keeps large-object garbage until its next full collection, which a quiet server may never
/// reach: after one client read a few large values, or after a 512 MB value was deleted, the process would
/// hold that memory for as long as it runs. Every period this looks at how much was allocated: when the
/// process has gone quiet after enough allocation to matter, it runs one aggressive full collection, which
/// decommits what the heap no longer uses.
/// </summary>
public sealed class MemoryReclaimer : IDisposable
{
    /// <summary>Below this allocation rate per period the server counts as quiet.</summary>
    private const long QuietBytesPerPeriod = 8L * 1024 * 1024;

    /// <summary>Allocation since the last reclaim that makes another worth a full collection's pause.</summary>
    private const long WorthReclaimingBytes = 64L * 1024 * 1024;

    private readonly Timer _timer;
    private long _allocatedAtLastTick;
    private long _allocatedAtLastReclaim;
    private int _running;

    /// <param name="period">How often to look; the reclaim follows the end of a burst within about two periods.</param>
    public MemoryReclaimer(TimeSpan? period = null)
    {
        var every = period ?? TimeSpan.FromSeconds(3);
        _allocatedAtLastTick = _allocatedAtLastReclaim = GC.GetTotalAllocatedBytes();
        _timer = new Timer(static state => ((MemoryReclaimer)state!).Tick(), this, every, every);
    }

    /// <summary>Full collections this reclaimer has run.</summary>
    public int Reclaims { get; private set; }

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            return;
        }

        try
        {
            long allocated = GC.GetTotalAllocatedBytes();
            bool quiet = allocated - _allocatedAtLastTick < QuietBytesPerPeriod;
            _allocatedAtLastTick = allocated;
            if (!quiet || allocated - _allocatedAtLastReclaim < WorthReclaimingBytes)
            {
                return;
            }

            // Compacting the large-object heap too: a freed 512 MB value leaves a hole nothing else may fill.
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            Reclaims++;
            _allocatedAtLastReclaim = _allocatedAtLastTick = GC.GetTotalAllocatedBytes();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
