namespace NetKit.KeyValue;

/// <summary>Eviction's part in a database: sampling keys where the last sample stopped, and removing one.</summary>
public sealed partial class KeyValueStore
{
    // Guarded by the write lock: where the next sample starts, so that successive samples walk the keyspace
    // instead of looking at its first few keys again (a dictionary has no random access).
    private IEnumerator<KeyValuePair<byte[], object>>? _evictionCursor;
    private IEnumerator<KeyValuePair<byte[], long>>? _volatileEvictionCursor;
    private long _evictedKeys;

    /// <summary>Keys removed to stay under maxmemory (INFO's evicted_keys).</summary>
    public long EvictedKeys => Volatile.Read(ref _evictedKeys);

    /// <summary>Adds up to <paramref name="count"/> keys to <paramref name="into"/>, from every key or only from
    /// those with an expiry. Caller holds <see cref="WriteLock"/>.</summary>
    internal void SampleLocked(bool volatileOnly, int count, List<byte[]> into)
    {
        if (volatileOnly ? NoExpiries : _values.IsEmpty)
        {
            return;
        }

        for (int i = 0, restarts = 0; i < count && restarts < 2; )
        {
            byte[]? key = volatileOnly ? Next(ref _volatileEvictionCursor, _expires) : Next(ref _evictionCursor, _values);
            if (key is null)
            {
                restarts++;
                continue;
            }

            into.Add(key);
            i++;
        }
    }

    /// <summary>Removes <paramref name="key"/> for memory: logged as a delete and announced as "evicted", as Redis.
    /// Caller holds <see cref="WriteLock"/>.</summary>
    internal bool EvictLocked(ReadOnlySpan<byte> key)
    {
        if (!RemoveLocked(key))
        {
            return false;
        }

        Interlocked.Increment(ref _evictedKeys);
        Notify(KeyspaceEventClass.Evicted, "evicted"u8, key);
        return true;
    }

    private static byte[]? Next<T>(ref IEnumerator<KeyValuePair<byte[], T>>? cursor, IEnumerable<KeyValuePair<byte[], T>> keys)
    {
        cursor ??= keys.GetEnumerator();
        if (cursor.MoveNext())
        {
            return cursor.Current.Key;
        }

        cursor.Dispose();
        cursor = null;
        return null;
    }
}
