namespace NetKit.KeyValue;

/// <summary>Set values: the typed lookup and the in-place changes, each journaled and accounted for maxmemory.</summary>
public sealed partial class KeyValueStore
{
    /// <summary>The set at <paramref name="key"/>; read it under the write lock.</summary>
    /// <exception cref="WrongTypeException">The key holds another type.</exception>
    internal bool TryGetSet(ReadOnlySpan<byte> key, out SetValue set)
    {
        if (TryGetValue(key, out object found))
        {
            set = found as SetValue ?? throw new WrongTypeException();
            return true;
        }

        set = null!;
        return false;
    }

    /// <summary>The members of the set at <paramref name="key"/>, for another type's command that takes a set
    /// as input (SORT, ZUNIONSTORE): false when the key is missing. Caller holds <see cref="WriteLock"/>.</summary>
    /// <exception cref="WrongTypeException">The key holds another type.</exception>
    internal bool TryGetSetMembers(ReadOnlySpan<byte> key, out IEnumerable<byte[]> members)
    {
        members = TryGetSet(key, out SetValue set) ? set.Members : [];
        return set is not null;
    }

    /// <summary>The set at <paramref name="key"/>, made empty if the key is missing (the caller then adds a
    /// member before releasing the lock: an empty set must not be left behind). Caller holds <see cref="WriteLock"/>.</summary>
    /// <exception cref="WrongTypeException">The key holds another type.</exception>
    internal SetValue GetOrAddSetLocked(ReadOnlySpan<byte> key)
    {
        if (TryGetSet(key, out SetValue set))
        {
            return set;
        }

        set = new SetValue();
        _valuesBySpan[key] = set;
        Interlocked.Add(ref _usedBytes, key.Length + PerKeyOverhead);
        Created(key);
        return set;
    }

    /// <summary>Adds a member to a set got from <see cref="GetOrAddSetLocked"/>; true when it is new. Only a
    /// member that is new touches the key (WATCH), as in Redis.</summary>
    internal bool SetAddLocked(ReadOnlySpan<byte> key, SetValue set, ReadOnlySpan<byte> member)
    {
        Interlocked.Add(ref _usedBytes, set.Add(member, _set.SetMaxIntsetEntries, out bool added));
        if (added)
        {
            TouchLocked(key);
            Journal?.RecordSetAdd(Index, key, member);
        }

        return added;
    }

    /// <summary>Removes a member; a set left empty is removed with it, as in Redis. True when the member was there.</summary>
    internal bool SetRemoveLocked(ReadOnlySpan<byte> key, SetValue set, ReadOnlySpan<byte> member)
    {
        long delta = set.Remove(member, out bool removed);
        if (!removed)
        {
            return false;
        }

        Interlocked.Add(ref _usedBytes, delta);
        TouchLocked(key);
        Journal?.RecordSetRemove(Index, key, member);
        if (set.Count == 0)
        {
            // The SREM record empties the set on replay too, which deletes it there as well.
            DropLocked(key);
        }

        return true;
    }
}
