using System.Collections.Concurrent;

namespace NetKit.KeyValue;

/// <summary>
/// The key-value data shared by every kv connection: keys and values are arbitrary bytes, and a key may
/// carry an absolute expiry time. Reads take no lock. Changes are serialised by one short lock that is
/// never held across I/O: it makes compound commands (INCR, SETNX, RENAME...) atomic and gives the
/// journal (the append-only log) the exact order in which changes were applied.
/// </summary>
/// <remarks>
/// As in Redis, expiry times live in a second dictionary beside the values, so a key without a TTL costs
/// nothing extra and GET stays one lookup when no key has a TTL. Stored value arrays are never modified
/// after they are stored: a reader may be writing one to a socket while a SET replaces it.
/// </remarks>
public sealed class KeyValueStore
{
    /// <summary>Rough per-key bookkeeping cost (dictionary node, array headers), for memory accounting.</summary>
    internal const int PerKeyOverhead = 64;

    private readonly ConcurrentDictionary<byte[], byte[]> _values;
    private readonly ConcurrentDictionary<byte[], byte[]>.AlternateLookup<ReadOnlySpan<byte>> _valuesBySpan;
    private readonly ConcurrentDictionary<byte[], long> _expires;
    private readonly ConcurrentDictionary<byte[], long>.AlternateLookup<ReadOnlySpan<byte>> _expiresBySpan;
    private readonly TimeProvider _time;
    private IEnumerator<KeyValuePair<byte[], long>>? _sweepCursor;
    private long _usedBytes;
    private int _expiringCount;
    private long _expiredKeys;

    public KeyValueStore(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _values = new ConcurrentDictionary<byte[], byte[]>(ByteArrayKeyComparer.Instance);
        _valuesBySpan = _values.GetAlternateLookup<ReadOnlySpan<byte>>();
        _expires = new ConcurrentDictionary<byte[], long>(ByteArrayKeyComparer.Instance);
        _expiresBySpan = _expires.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Serialises changes. Hold it (<c>lock (store.WriteLock)</c>) around the <c>*Locked</c> methods.</summary>
    public Lock WriteLock { get; } = new();

    /// <summary>Each key's last access and LFU counter (OBJECT IDLETIME / FREQ).</summary>
    internal AccessTracker Access { get; } = new();

    /// <summary>Where changes are recorded (the append-only log); null when the data is in memory only.</summary>
    public IKeyValueJournal? Journal { get; set; }

    /// <summary>The number of keys, counting expired ones not yet removed.</summary>
    public int Count => _values.Count;

    /// <summary>Keys that carry an expiry time.</summary>
    public int ExpiringCount => Volatile.Read(ref _expiringCount);

    // ConcurrentDictionary.IsEmpty takes every lock when the dictionary is empty: too dear for each GET.
    private bool NoExpiries => Volatile.Read(ref _expiringCount) == 0;

    /// <summary>Approximate bytes held by keys and values.</summary>
    public long UsedBytes => Volatile.Read(ref _usedBytes);

    /// <summary>Keys removed because their time ran out, lazily or by the sweep.</summary>
    public long ExpiredKeys => Volatile.Read(ref _expiredKeys);

    public TimeProvider TimeProvider => _time;

    /// <summary>Now, in Unix milliseconds, as expiry times are kept.</summary>
    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Looks up <paramref name="key"/>; an expired key is removed and reported missing.</summary>
    /// <param name="value">The stored value; callers must not modify it.</param>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[] value)
    {
        if (TryPeek(key, out value))
        {
            Access.Touch(key, NowMs);
            return true;
        }

        return false;
    }

    /// <summary>As <see cref="TryGet(ReadOnlySpan{byte}, out byte[])"/> without counting as an access (OBJECT, as
    /// Redis's LOOKUP_NOTOUCH).</summary>
    internal bool TryPeek(ReadOnlySpan<byte> key, out byte[] value)
    {
        if (_valuesBySpan.TryGetValue(key, out byte[]? found))
        {
            if (NoExpiries || !IsExpired(key))
            {
                value = found;
                return true;
            }

            ExpireNow(key);
        }

        value = [];
        return false;
    }

    /// <summary>Looks up a key and its expiry (Unix ms, 0 = none).</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[] value, out long expiresAtMs)
    {
        expiresAtMs = 0;
        if (!TryGet(key, out value))
        {
            return false;
        }

        if (!NoExpiries && _expiresBySpan.TryGetValue(key, out long at))
        {
            expiresAtMs = at;
        }

        return true;
    }

    public bool ContainsKey(ReadOnlySpan<byte> key) => TryGet(key, out _);

    /// <summary>Stores a copy of <paramref name="value"/> under <paramref name="key"/> with no expiry.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        lock (WriteLock)
        {
            SetLocked(key, value, expiresAtMs: 0);
        }
    }

    /// <summary>Removes <paramref name="key"/>; false when it was not there.</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        lock (WriteLock)
        {
            return RemoveLocked(key);
        }
    }

    /// <summary>Removes every key.</summary>
    public void Clear()
    {
        lock (WriteLock)
        {
            ClearLocked();
        }
    }

    /// <summary>Stores a copy of the value. <paramref name="expiresAtMs"/>: Unix ms, 0 = no expiry,
    /// -1 = keep the key's current expiry. Caller holds <see cref="WriteLock"/>.</summary>
    public void SetLocked(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs)
    {
        long keepAt = 0;
        if (expiresAtMs < 0)
        {
            _expiresBySpan.TryGetValue(key, out keepAt);
            expiresAtMs = keepAt;
        }

        if (_valuesBySpan.TryGetValue(key, out byte[]? current))
        {
            // Rewriting the same value (benchmarks, idempotent clients) then costs no allocation.
            if (!current.AsSpan().SequenceEqual(value))
            {
                _valuesBySpan[key] = value.ToArray();
                Interlocked.Add(ref _usedBytes, value.Length - current.Length);
            }

            Access.Touch(key, NowMs);
        }
        else
        {
            _valuesBySpan[key] = value.ToArray();
            Interlocked.Add(ref _usedBytes, key.Length + value.Length + PerKeyOverhead);
            if (_valuesBySpan.TryGetValue(key, out byte[]? storedKey, out _))
            {
                Access.Created(storedKey, NowMs);
            }
        }

        SetExpiryLocked(key, expiresAtMs);
        Journal?.RecordSet(key, value, expiresAtMs);
    }

    /// <summary>Caller holds <see cref="WriteLock"/>.</summary>
    public bool RemoveLocked(ReadOnlySpan<byte> key)
    {
        if (!DropLocked(key))
        {
            return false;
        }

        Journal?.RecordDelete(key);
        return true;
    }

    /// <summary>Sets or clears (0) a key's expiry; false when the key does not exist. Caller holds <see cref="WriteLock"/>.</summary>
    public bool ExpireAtLocked(ReadOnlySpan<byte> key, long expiresAtMs)
    {
        if (!ContainsKey(key))
        {
            return false;
        }

        if (expiresAtMs != 0 && expiresAtMs <= NowMs)
        {
            // A time in the past deletes the key, as in Redis.
            return RemoveLocked(key);
        }

        SetExpiryLocked(key, expiresAtMs);
        Journal?.RecordExpireAt(key, expiresAtMs);
        return true;
    }

    /// <summary>Caller holds <see cref="WriteLock"/>.</summary>
    public void ClearLocked()
    {
        _values.Clear();
        _expires.Clear();
        Access.Clear();
        Volatile.Write(ref _expiringCount, 0);
        Volatile.Write(ref _usedBytes, 0);
        Journal?.RecordClear();
    }

    /// <summary>The key's expiry in Unix ms: 0 when it has none, -1 when the key does not exist.</summary>
    public long GetExpiry(ReadOnlySpan<byte> key)
    {
        if (!ContainsKey(key))
        {
            return -1;
        }

        return _expiresBySpan.TryGetValue(key, out long at) ? at : 0;
    }

    /// <summary>Every live key, in no particular order (a moving snapshot: keys added or removed meanwhile
    /// may or may not appear).</summary>
    public IEnumerable<byte[]> Keys()
    {
        long now = NowMs;
        foreach (var pair in _values)
        {
            if (NoExpiries || !_expires.TryGetValue(pair.Key, out long at) || at > now)
            {
                yield return pair.Key;
            }
        }
    }

    /// <summary>Every live entry with its expiry (0 = none), for a log rewrite.</summary>
    public IEnumerable<(byte[] Key, byte[] Value, long ExpiresAtMs)> Entries()
    {
        long now = NowMs;
        foreach (var pair in _values)
        {
            long at = 0;
            if (!NoExpiries && _expires.TryGetValue(pair.Key, out at) && at <= now)
            {
                continue;
            }

            yield return (pair.Key, pair.Value, at);
        }
    }

    /// <summary>
    /// Removes expired keys without waiting for them to be read: checks up to <paramref name="maxChecks"/>
    /// keys that carry an expiry, continuing where the last call stopped. Returns how many it removed.
    /// </summary>
    public int SweepExpired(int maxChecks)
    {
        if (NoExpiries)
        {
            return 0;
        }

        long now = NowMs;
        int removed = 0;
        lock (WriteLock)
        {
            _sweepCursor ??= _expires.GetEnumerator();
            for (int i = 0; i < maxChecks; i++)
            {
                if (!_sweepCursor.MoveNext())
                {
                    _sweepCursor.Dispose();
                    _sweepCursor = null;
                    break;
                }

                var (key, at) = _sweepCursor.Current;
                if (at <= now && _expires.TryGetValue(key, out long current) && current <= now)
                {
                    DropLocked(key);
                    Interlocked.Increment(ref _expiredKeys);
                    removed++;
                }
            }
        }

        return removed;
    }

    private bool IsExpired(ReadOnlySpan<byte> key) =>
        _expiresBySpan.TryGetValue(key, out long at) && at <= NowMs;

    private void ExpireNow(ReadOnlySpan<byte> key)
    {
        lock (WriteLock)
        {
            // Checked again under the lock: a SET may have revived the key meanwhile.
            if (IsExpired(key) && DropLocked(key))
            {
                Interlocked.Increment(ref _expiredKeys);
            }
        }
    }

    private void SetExpiryLocked(ReadOnlySpan<byte> key, long expiresAtMs)
    {
        if (expiresAtMs == 0)
        {
            if (!NoExpiries && _expiresBySpan.TryRemove(key, out _))
            {
                Volatile.Write(ref _expiringCount, _expiringCount - 1);
            }
        }
        else if (_expiresBySpan.TryAdd(key, expiresAtMs))
        {
            Volatile.Write(ref _expiringCount, _expiringCount + 1);
        }
        else
        {
            _expiresBySpan[key] = expiresAtMs;
        }
    }

    /// <summary>Removes a key and its expiry without journaling (expiry is derived from absolute times on replay).</summary>
    private bool DropLocked(ReadOnlySpan<byte> key)
    {
        if (!_valuesBySpan.TryRemove(key, out byte[]? storedKey, out byte[]? value))
        {
            return false;
        }

        if (_expiresBySpan.TryRemove(key, out _))
        {
            Volatile.Write(ref _expiringCount, _expiringCount - 1);
        }

        Access.Removed(key);
        Interlocked.Add(ref _usedBytes, -(storedKey.Length + value.Length + PerKeyOverhead));
        return true;
    }
}
