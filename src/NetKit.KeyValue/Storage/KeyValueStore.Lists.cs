namespace NetKit.KeyValue;

/// <summary>
/// List values: the typed lookup and the in-place changes, each journaled, accounted for maxmemory, seen by
/// WATCH, and signalled to clients blocked on the key. A list left empty is deleted, as in Redis.
/// </summary>
public sealed partial class KeyValueStore
{
    /// <summary>The list at <paramref name="key"/>; read it under the write lock.</summary>
    /// <exception cref="WrongTypeException">The key holds another type.</exception>
    internal bool TryGetList(ReadOnlySpan<byte> key, out ListValue list)
    {
        if (TryGetValue(key, out object found))
        {
            list = found as ListValue ?? throw new WrongTypeException();
            return true;
        }

        list = null!;
        return false;
    }

    /// <summary>The list at <paramref name="key"/>, made empty if the key is missing (the caller then pushes
    /// before releasing the lock). Caller holds <see cref="WriteLock"/>.</summary>
    /// <exception cref="WrongTypeException">The key holds another type.</exception>
    internal ListValue GetOrAddListLocked(ReadOnlySpan<byte> key)
    {
        if (TryGetList(key, out ListValue list))
        {
            return list;
        }

        list = new ListValue();
        if (_set.RewriteEpoch is var epoch and not 0)
        {
            // Did not exist when the rewrite started: its snapshot leaves it out, and the key's changes since
            // (copied for the rewrite) start from nothing, this DEL wiping whatever came before it.
            list.RewriteEpoch = epoch;
            Journal?.RecordDelete(Index, key);
        }

        _valuesBySpan[key] = list;
        Interlocked.Add(ref _usedBytes, key.Length + PerKeyOverhead);
        Created(key);
        return list;
    }

    /// <param name="notify">Publish the lpush/rpush keyspace event: a variadic push publishes it once, after its last element.</param>
    internal void ListPushLocked(ReadOnlySpan<byte> key, ListValue list, bool head, ReadOnlySpan<byte> element, bool notify = true)
    {
        PreserveForRewriteLocked(list);
        var stored = element.ToArray();
        Interlocked.Add(ref _usedBytes, head ? list.PushHead(stored) : list.PushTail(stored));
        Changed(key, new ListRecord(head ? ListChange.PushHead : ListChange.PushTail, key, element));
        _set.Blocking.SignalLocked(Index, key);
        if (notify)
        {
            Notify(KeyspaceEventClass.List, head ? "lpush"u8 : "rpush"u8, key);
        }
    }

    /// <summary>Pops up to <paramref name="count"/> elements (the list must hold one) into <paramref name="popped"/>.</summary>
    internal void ListPopLocked(ReadOnlySpan<byte> key, ListValue list, bool head, long count, List<byte[]> popped)
    {
        PreserveForRewriteLocked(list);
        int n = (int)Math.Min(count, list.Count);
        long delta = 0;
        for (int i = 0; i < n; i++)
        {
            popped.Add(list.Pop(head, out long one));
            delta += one;
        }

        Interlocked.Add(ref _usedBytes, delta);
        Changed(key, new ListRecord(head ? ListChange.PopHead : ListChange.PopTail, key, first: n));
        Notify(KeyspaceEventClass.List, head ? "lpop"u8 : "rpop"u8, key);
        DropIfEmptyLocked(key, list);
    }

    /// <summary>Pops one element: the list must hold one.</summary>
    internal byte[] ListPopOneLocked(ReadOnlySpan<byte> key, ListValue list, bool head)
    {
        PreserveForRewriteLocked(list);
        var element = list.Pop(head, out long delta);
        Interlocked.Add(ref _usedBytes, delta);
        Changed(key, new ListRecord(head ? ListChange.PopHead : ListChange.PopTail, key, first: 1));
        Notify(KeyspaceEventClass.List, head ? "lpop"u8 : "rpop"u8, key);
        DropIfEmptyLocked(key, list);
        return element;
    }

    /// <summary>LMOVE's move of one element (the source must hold one), with Redis's order of events: the push,
    /// then the pop, then the source's deletion if it is left empty (never when it is its own destination).</summary>
    /// <exception cref="WrongTypeException">The destination holds another type.</exception>
    internal byte[] ListMoveLocked(ReadOnlySpan<byte> source, ListValue from, bool fromHead, ReadOnlySpan<byte> destination, bool toHead)
    {
        var to = source.SequenceEqual(destination) ? from : TryGetList(destination, out ListValue existing) ? existing : null;
        PreserveForRewriteLocked(from);
        var element = from.Pop(fromHead, out long delta);
        Interlocked.Add(ref _usedBytes, delta);
        Changed(source, new ListRecord(fromHead ? ListChange.PopHead : ListChange.PopTail, source, first: 1));
        ListPushLocked(destination, to ?? GetOrAddListLocked(destination), toHead, element);
        Notify(KeyspaceEventClass.List, fromHead ? "lpop"u8 : "rpop"u8, source);
        DropIfEmptyLocked(source, from);
        return element;
    }

    internal void ListSetLocked(ReadOnlySpan<byte> key, ListValue list, int position, ReadOnlySpan<byte> element)
    {
        PreserveForRewriteLocked(list);
        Interlocked.Add(ref _usedBytes, list.Set(position, element.ToArray()));
        Changed(key, new ListRecord(ListChange.Set, key, element, first: position));
        Notify(KeyspaceEventClass.List, "lset"u8, key);
    }

    /// <summary>LINSERT at the first <paramref name="pivot"/>; false when there is none.</summary>
    internal bool ListInsertLocked(ReadOnlySpan<byte> key, ListValue list, bool before, ReadOnlySpan<byte> pivot, ReadOnlySpan<byte> element)
    {
        int at = list.IndexOf(pivot);
        if (at < 0)
        {
            return false;
        }

        PreserveForRewriteLocked(list);
        Interlocked.Add(ref _usedBytes, list.Insert(before ? at : at + 1, element.ToArray()));
        Changed(key, new ListRecord(before ? ListChange.InsertBefore : ListChange.InsertAfter, key, element, pivot: pivot));
        Notify(KeyspaceEventClass.List, "linsert"u8, key);
        return true;
    }

    /// <summary>LREM; returns how many were removed.</summary>
    internal int ListRemoveLocked(ReadOnlySpan<byte> key, ListValue list, long count, ReadOnlySpan<byte> element)
    {
        if (list.IndexOf(element) < 0)
        {
            return 0;
        }

        PreserveForRewriteLocked(list);
        int removed = list.RemoveAll(element, Math.Abs(count), count < 0, out long delta);
        Interlocked.Add(ref _usedBytes, delta);
        Changed(key, new ListRecord(ListChange.Remove, key, element, first: count));
        Notify(KeyspaceEventClass.List, "lrem"u8, key);
        DropIfEmptyLocked(key, list);
        return removed;
    }

    /// <summary>LTRIM to positions <paramref name="start"/>..<paramref name="stop"/>, already resolved and clamped.</summary>
    internal void ListTrimLocked(ReadOnlySpan<byte> key, ListValue list, int start, int stop)
    {
        if (start == 0 && stop == list.Count - 1)
        {
            // Nothing to trim, but Redis publishes the event all the same.
            Notify(KeyspaceEventClass.List, "ltrim"u8, key);
            return;
        }

        PreserveForRewriteLocked(list);
        Interlocked.Add(ref _usedBytes, list.Trim(start, stop));
        Changed(key, new ListRecord(ListChange.Trim, key, first: start, second: stop));
        Notify(KeyspaceEventClass.List, "ltrim"u8, key);
        DropIfEmptyLocked(key, list);
    }

    /// <summary>
    /// Keeps the list as it was when the running log rewrite started, before its first change since: the
    /// rewrite's snapshot writes that, and the changes copied for the rewrite since its start bring it up to
    /// date exactly once (a list change applied twice would push twice). The copy is of references only, and
    /// goes when the snapshot has taken it. Caller holds <see cref="WriteLock"/>.
    /// </summary>
    internal void PreserveForRewriteLocked(ListValue list)
    {
        long epoch = _set.RewriteEpoch;
        if (epoch != 0 && list.RewriteEpoch != epoch)
        {
            list.AtRewriteStart = list.ToArray();
            list.RewriteEpoch = epoch;
        }
    }

    /// <summary>What a log rewrite's snapshot writes for <paramref name="list"/>: its elements as they were when
    /// the rewrite started, or null when it did not exist then. Caller holds <see cref="WriteLock"/>.</summary>
    internal byte[][]? ListForRewriteLocked(ListValue list)
    {
        long epoch = _set.RewriteEpoch;
        if (epoch == 0 || list.RewriteEpoch != epoch)
        {
            // Unchanged since the rewrite started; later changes need no copy, since this is taken now.
            list.RewriteEpoch = epoch;
            return list.ToArray();
        }

        var elements = list.AtRewriteStart;
        list.AtRewriteStart = null;
        return elements;
    }

    private void Changed(ReadOnlySpan<byte> key, in ListRecord record)
    {
        Access.Written(key, NowMs);
        TouchLocked(key);
        Journal?.RecordList(Index, record);
    }

    private void DropIfEmptyLocked(ReadOnlySpan<byte> key, ListValue list)
    {
        if (list.Count == 0)
        {
            // Journaled outright, so a replay from any starting point ends with the key gone too.
            RemoveLocked(key);
            Notify(KeyspaceEventClass.Generic, "del"u8, key);
        }
    }

    /// <summary>A whole list journaled (RENAME, MOVE, COPY, SWAPDB): the key emptied, then every element.</summary>
    private void JournalList(IKeyValueJournal journal, ReadOnlySpan<byte> key, ListValue list)
    {
        journal.RecordDelete(Index, key);
        for (int i = 0; i < list.Count; i++)
        {
            journal.RecordList(Index, new ListRecord(ListChange.PushTail, key, list[i]));
        }
    }
}
