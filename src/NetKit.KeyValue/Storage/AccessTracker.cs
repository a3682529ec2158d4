using System.Collections.Concurrent;

namespace NetKit.KeyValue;

/// <summary>
/// Each key's <see cref="AccessStamp"/>, beside the values so the value dictionary stays as it is. A read
/// finds the stamp and writes its fields: no allocation and no lock on the GET path; a stamp is made when a
/// key is created and dropped with it. Under an LFU policy (<see cref="Lfu"/>) an access moves the key's
/// logarithmic counter instead of its time, as Redis's updateLFU does (lfu-log-factor 10, lfu-decay-time 1).
/// </summary>
internal sealed class AccessTracker
{
    private const int LogFactor = 10;
    private const int DecayMinutes = 1;
    private readonly ConcurrentDictionary<byte[], AccessStamp> _stamps = new(ByteArrayKeyComparer.Instance);
    private readonly ConcurrentDictionary<byte[], AccessStamp>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    private volatile bool _lfu;

    public AccessTracker()
    {
        _bySpan = _stamps.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>True under an LFU maxmemory policy: accesses count frequency, not time.</summary>
    public bool Lfu
    {
        get => _lfu;
        set => _lfu = value;
    }

    public void Touch(ReadOnlySpan<byte> key, long nowMs)
    {
        if (_bySpan.TryGetValue(key, out AccessStamp? stamp))
        {
            Touch(stamp, nowMs);
        }
    }

    /// <summary>A key given a new value (SET and the like): an access that also ends <see cref="AccessStamp.Form"/>.</summary>
    public void Written(ReadOnlySpan<byte> key, long nowMs)
    {
        if (_bySpan.TryGetValue(key, out AccessStamp? stamp))
        {
            Touch(stamp, nowMs);
            stamp.Form = StringForm.ByContent;
        }
    }

    private void Touch(AccessStamp stamp, long nowMs)
    {
        if (_lfu)
        {
            long minutes = nowMs / 60_000;
            stamp.Counter = Increment(Decayed(stamp, minutes));
            stamp.CounterAtMinutes = minutes;
        }
        else
        {
            stamp.LastAccessMs = nowMs;
        }
    }

    /// <summary>Records how the key's string was made, for OBJECT ENCODING (see <see cref="AccessStamp.Form"/>).</summary>
    public void MadeAs(ReadOnlySpan<byte> key, StringForm form)
    {
        if (_bySpan.TryGetValue(key, out AccessStamp? stamp))
        {
            stamp.Form = form;
        }
    }

    public StringForm FormOf(ReadOnlySpan<byte> key) => _bySpan.TryGetValue(key, out AccessStamp? stamp) ? stamp.Form : StringForm.ByContent;

    /// <summary>A new key, <paramref name="storedKey"/> being the array the values dictionary holds.</summary>
    public void Created(byte[] storedKey, long nowMs) =>
        _stamps[storedKey] = new AccessStamp { LastAccessMs = nowMs, CounterAtMinutes = nowMs / 60_000 };

    public void Removed(ReadOnlySpan<byte> key) => _bySpan.TryRemove(key, out _);

    /// <summary>RESTORE's IDLETIME or FREQ (-1 when not given), applied as Redis's objectSetLRUOrLFU: the
    /// frequency under an LFU policy, the idle time under any other.</summary>
    public void Restored(ReadOnlySpan<byte> key, long nowMs, long idleSeconds, int frequency)
    {
        if (!_bySpan.TryGetValue(key, out AccessStamp? stamp))
        {
            return;
        }

        if (_lfu && frequency >= 0)
        {
            stamp.Counter = (byte)frequency;
            stamp.CounterAtMinutes = nowMs / 60_000;
        }
        else if (!_lfu && idleSeconds >= 0)
        {
            stamp.LastAccessMs = nowMs - Math.Min(idleSeconds, long.MaxValue / 2000) * 1000;
        }
    }

    public void Clear() => _stamps.Clear();

    /// <summary>Seconds since the key was last accessed (OBJECT IDLETIME); 0 for an unknown key.</summary>
    public long IdleSeconds(ReadOnlySpan<byte> key, long nowMs) =>
        _bySpan.TryGetValue(key, out AccessStamp? stamp) ? Math.Max(0, nowMs - stamp.LastAccessMs) / 1000 : 0;

    /// <summary>Milliseconds since the key was last accessed (eviction's LRU); 0 for an unknown key.</summary>
    public long IdleMs(ReadOnlySpan<byte> key, long nowMs) =>
        _bySpan.TryGetValue(key, out AccessStamp? stamp) ? Math.Max(0, nowMs - stamp.LastAccessMs) : 0;

    /// <summary>The key's counter after decay (OBJECT FREQ, as Redis's LFUDecrAndReturn).</summary>
    public int Frequency(ReadOnlySpan<byte> key, long nowMs) =>
        _bySpan.TryGetValue(key, out AccessStamp? stamp) ? Decayed(stamp, nowMs / 60_000) : AccessStamp.InitialCounter;

    private static byte Decayed(AccessStamp stamp, long nowMinutes)
    {
        long periods = Math.Max(0, nowMinutes - stamp.CounterAtMinutes) / DecayMinutes;
        return periods >= stamp.Counter ? (byte)0 : (byte)(stamp.Counter - periods);
    }

    /// <summary>Redis's LFULogIncr: the more a key has been counted, the less likely the next access counts.</summary>
    private static byte Increment(byte counter)
    {
        if (counter == byte.MaxValue)
        {
            return counter;
        }

        double baseValue = Math.Max(0, counter - AccessStamp.InitialCounter);
        double p = 1.0 / ((baseValue * LogFactor) + 1);
        return Random.Shared.NextDouble() < p ? (byte)(counter + 1) : counter;
    }
}
