using System.Collections.Concurrent;

namespace NetKit.KeyValue;

/// <summary>Expiry: setting and reading a key's deadline, expiring a key found past it, and the periodic sweep.</summary>
public sealed partial class KeyValueStore
{
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
        TouchLocked(key);
        Journal?.RecordExpireAt(Index, key, expiresAtMs);
        return true;
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

    /// <summary>
    /// Removes expired keys without waiting for them to be read: checks up to <paramref name="maxChecks"/>
    /// keys that carry an expiry, continuing where the last call stopped. Returns how many it removed.
    /// </summary>
    public int SweepExpired(int maxChecks)
    {
        if (NoExpiries || _set.Pause?.SuspendsExpiry == true)
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
                    Notify(KeyspaceEventClass.Expired, "expired"u8, key);
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
        if (_set.Pause?.SuspendsExpiry == true)
        {
            return;
        }

        lock (WriteLock)
        {
            // Checked again under the lock: a SET may have revived the key meanwhile.
            if (IsExpired(key) && DropLocked(key))
            {
                Interlocked.Increment(ref _expiredKeys);
                Notify(KeyspaceEventClass.Expired, "expired"u8, key);
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
}
