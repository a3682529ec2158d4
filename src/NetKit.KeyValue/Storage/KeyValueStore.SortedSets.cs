namespace NetKit.KeyValue;

/// <summary>Sorted-set values: the typed lookup and the in-place changes, each journaled as its absolute effect
/// ("the score of m is s", "m is gone") and accounted for maxmemory.</summary>
public sealed partial class KeyValueStore
{
    /// <summary>The sorted set at <paramref name="key"/>; read it under the write lock.</summary>
    /// <exception cref="WrongTypeException">The key holds another type.</exception>
    internal bool TryGetSortedSet(ReadOnlySpan<byte> key, out SortedSetValue set)
    {
        if (TryGetValue(key, out object found))
        {
            set = found as SortedSetValue ?? throw new WrongTypeException();
            return true;
        }

        set = null!;
        return false;
    }

    /// <summary>The sorted set at <paramref name="key"/>, made empty if the key is missing (the caller then adds a
    /// member before releasing the lock: an empty set must not be left behind). Caller holds <see cref="WriteLock"/>.</summary>
    /// <exception cref="WrongTypeException">The key holds another type.</exception>
    internal SortedSetValue GetOrAddSortedSetLocked(ReadOnlySpan<byte> key)
    {
        if (TryGetSortedSet(key, out SortedSetValue set))
        {
            return set;
        }

        set = new SortedSetValue();
        _valuesBySpan[key] = set;
        Interlocked.Add(ref _usedBytes, key.Length + PerKeyOverhead);
        Created(key);
        return set;
    }

    /// <summary>Sets a member's score in a set got from <see cref="GetOrAddSortedSetLocked"/>; true when the member is new.</summary>
    internal bool SortedSetSetLocked(ReadOnlySpan<byte> key, SortedSetValue set, ReadOnlySpan<byte> member, double score)
    {
        Interlocked.Add(ref _usedBytes, set.Set(member, score, out bool added, _set.ZsetMaxListpackEntries, _set.ZsetMaxListpackValue));
        TouchLocked(key);
        Journal?.RecordSortedSetAdd(Index, key, member, score);
        // A client blocked in BZPOPMIN/BZMPOP on this key is served after the command (one read when none is).
        _set.Blocking.SignalLocked(Index, key);
        return added;
    }

    /// <summary>Removes a member; a set left empty is removed with it, as in Redis. True when the member was there.</summary>
    internal bool SortedSetRemoveLocked(ReadOnlySpan<byte> key, SortedSetValue set, ReadOnlySpan<byte> member)
    {
        long delta = set.Remove(member, out bool removed);
        if (!removed)
        {
            return false;
        }

        Interlocked.Add(ref _usedBytes, delta);
        TouchLocked(key);
        Journal?.RecordSortedSetRemove(Index, key, member);
        if (set.Count == 0)
        {
            // The ZREM record empties the set on replay too, which deletes it there as well.
            DropLocked(key);
        }

        return true;
    }

    /// <summary>A new sorted set with this server's listpack limits, for a command that builds one whole.</summary>
    internal SortedSetValue NewSortedSet(IEnumerable<(byte[] Member, double Score)> members)
    {
        var set = new SortedSetValue();
        foreach (var (member, score) in members)
        {
            set.Set(member, score, out _, _set.ZsetMaxListpackEntries, _set.ZsetMaxListpackValue);
        }

        return set;
    }

    /// <summary>Stores a sorted set built whole (ZRANGESTORE, ZUNIONSTORE...) at <paramref name="key"/> in place of
    /// whatever it held, firing <paramref name="eventName"/>; an empty one deletes the key ("del"), as Redis does.
    /// Caller holds <see cref="WriteLock"/>.</summary>
    internal void StoreSortedSetLocked(ReadOnlySpan<byte> key, SortedSetValue set, ReadOnlySpan<byte> eventName)
    {
        if (set.Count == 0)
        {
            if (RemoveLocked(key))
            {
                Notify(KeyspaceEventClass.Generic, "del"u8, key);
            }

            return;
        }

        PutLocked(key, set, expiresAtMs: 0);
        Notify(KeyspaceEventClass.SortedSet, eventName, key);
    }

    /// <summary>Fires <paramref name="eventName"/> for a command that removed members, and "del" when that emptied
    /// the set (so the key is gone), as Redis's t_zset.c does.</summary>
    internal void NotifySortedSetRemoval(ReadOnlySpan<byte> key, long removed, ReadOnlySpan<byte> eventName)
    {
        if (removed == 0)
        {
            return;
        }

        Notify(KeyspaceEventClass.SortedSet, eventName, key);
        if (!_valuesBySpan.ContainsKey(key))
        {
            Notify(KeyspaceEventClass.Generic, "del"u8, key);
        }
    }

    /// <summary>The records that rebuild a sorted set: after a delete, one per member (SWAPDB's whole-database journal).</summary>
    private void JournalSortedSet(IKeyValueJournal journal, ReadOnlySpan<byte> key, SortedSetValue set)
    {
        journal.RecordDelete(Index, key);
        foreach (var (member, score) in set.Ascending)
        {
            journal.RecordSortedSetAdd(Index, key, member, score);
        }
    }
}
