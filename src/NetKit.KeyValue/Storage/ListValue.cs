namespace NetKit.KeyValue;

/// <summary>
/// A list: elements of arbitrary bytes in a ring buffer, so pushing and popping at either end is O(1) and an
/// index is one step, as LINDEX and LSET want. Changed and read only under the store's write lock; the store
/// does the journaling, memory accounting and blocked-client wake-ups around the changes.
/// </summary>
/// <remarks>Redis 7.0 keeps every list as a quicklist (OBJECT ENCODING says so for one element as for a
/// million); how it is held here does not show.</remarks>
internal sealed class ListValue : ISortable
{
    /// <summary>Rough cost of one element's slot and array header, for memory accounting.</summary>
    internal const int PerElementOverhead = 24;

    private byte[][] _items;
    private int _head;
    private int _count;

    public ListValue(int capacity = 4) => _items = new byte[Math.Max(capacity, 4)][];

    public int Count => _count;

    /// <summary>Approximate bytes held by the elements.</summary>
    public long UsedBytes { get; private set; }

    /// <summary>The rewrite this list was last preserved for (see <see cref="KeyValueStore.PreserveForRewriteLocked"/>).</summary>
    internal long RewriteEpoch { get; set; }

    /// <summary>The elements as they were when that rewrite started; null when the list did not exist then, or
    /// once the rewrite's snapshot has taken them.</summary>
    internal byte[][]? AtRewriteStart { get; set; }

    /// <summary>The element at <paramref name="index"/> (0 = head); the caller checks the range.</summary>
    public byte[] this[int index] => _items[Slot(index)];

    /// <summary>Turns Redis's index (negative from the tail) into a position; false when out of range.</summary>
    public bool TryResolve(long index, out int position)
    {
        if (index < 0)
        {
            index += _count;
        }

        position = (int)Math.Clamp(index, -1, int.MaxValue);
        return index >= 0 && index < _count;
    }

    /// <summary>LRANGE's and LTRIM's reading of start and stop (negative from the tail, clamped to the list);
    /// false, with <paramref name="from"/> past <paramref name="to"/>, when the range holds nothing.</summary>
    public static bool ClampRange(long start, long stop, int count, out int from, out int to)
    {
        if (start < 0)
        {
            start += count;
        }

        if (stop < 0)
        {
            stop += count;
        }

        start = Math.Max(start, 0);
        if (start > stop || start >= count)
        {
            from = 1;
            to = 0;
            return false;
        }

        from = (int)start;
        to = (int)Math.Min(stop, count - 1);
        return true;
    }

    public long PushHead(byte[] element)
    {
        Grow();
        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = element;
        _count++;
        return Added(element);
    }

    public long PushTail(byte[] element)
    {
        Grow();
        _items[Slot(_count)] = element;
        _count++;
        return Added(element);
    }

    /// <summary>Removes the first (<paramref name="fromHead"/>) or last element; the list must not be empty.</summary>
    public byte[] Pop(bool fromHead, out long delta)
    {
        int slot = fromHead ? _head : Slot(_count - 1);
        var element = _items[slot];
        _items[slot] = null!;
        if (fromHead)
        {
            _head = (_head + 1) % _items.Length;
        }

        _count--;
        delta = Removed(element);
        if (_items.Length > 64 && _count < _items.Length / 4)
        {
            // A list that was long once does not keep its slots for ever.
            Resize(_items.Length / 2);
        }

        return element;
    }

    /// <summary>Replaces the element at <paramref name="position"/> (in range); returns the change in <see cref="UsedBytes"/>.</summary>
    public long Set(int position, byte[] element)
    {
        int slot = Slot(position);
        long delta = element.Length - _items[slot].Length;
        _items[slot] = element;
        UsedBytes += delta;
        return delta;
    }

    /// <summary>Inserts <paramref name="element"/> so that it is at <paramref name="position"/> (0 to Count).</summary>
    public long Insert(int position, byte[] element)
    {
        Grow();
        // Shifts the shorter side, as a deque does.
        if (position < _count / 2)
        {
            _head = (_head - 1 + _items.Length) % _items.Length;
            for (int i = 0; i < position; i++)
            {
                _items[Slot(i)] = _items[Slot(i + 1)];
            }
        }
        else
        {
            for (int i = _count; i > position; i--)
            {
                _items[Slot(i)] = _items[Slot(i - 1)];
            }
        }

        _items[Slot(position)] = element;
        _count++;
        return Added(element);
    }

    /// <summary>Index of the first element equal to <paramref name="element"/> from <paramref name="start"/>
    /// on, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> element, int start = 0)
    {
        for (int i = start; i < _count; i++)
        {
            if (this[i].AsSpan().SequenceEqual(element))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>LREM: removes up to <paramref name="limit"/> elements equal to <paramref name="element"/> (0 = all),
    /// from the head, or from the tail when <paramref name="fromTail"/>. Returns how many, and the change in bytes.</summary>
    public int RemoveAll(ReadOnlySpan<byte> element, long limit, bool fromTail, out long delta)
    {
        delta = 0;
        int removed = 0;
        var kept = new byte[_items.Length][];
        int keptCount = 0;
        // Walks in LREM's direction so a limit takes the right ones, then lays the kept ones out in order.
        for (int n = 0; n < _count; n++)
        {
            int i = fromTail ? _count - 1 - n : n;
            var item = this[i];
            if ((limit == 0 || removed < limit) && item.AsSpan().SequenceEqual(element))
            {
                removed++;
                delta -= item.Length + PerElementOverhead;
                continue;
            }

            kept[keptCount++] = item;
        }

        if (removed == 0)
        {
            return 0;
        }

        if (fromTail)
        {
            Array.Reverse(kept, 0, keptCount);
        }

        _items = kept;
        _head = 0;
        _count = keptCount;
        UsedBytes += delta;
        return removed;
    }

    /// <summary>LTRIM: keeps positions <paramref name="start"/> to <paramref name="stop"/> (resolved, inclusive;
    /// start past stop keeps nothing). Returns the change in bytes.</summary>
    public long Trim(int start, int stop)
    {
        long delta = 0;
        int keep = start > stop ? 0 : stop - start + 1;
        var kept = new byte[Math.Max(keep, 4)][];
        for (int i = 0; i < _count; i++)
        {
            var item = this[i];
            if (i >= start && i <= stop)
            {
                kept[i - start] = item;
            }
            else
            {
                delta -= item.Length + PerElementOverhead;
            }
        }

        _items = kept;
        _head = 0;
        _count = keep;
        UsedBytes += delta;
        return delta;
    }

    /// <summary>The elements in order (a copy of the references: the arrays are never modified).</summary>
    public byte[][] ToArray()
    {
        var copy = new byte[_count][];
        for (int i = 0; i < _count; i++)
        {
            copy[i] = this[i];
        }

        return copy;
    }

    public bool Ordered => true;

    public void CopyTo(List<byte[]> into, int start, int count, bool reverse)
    {
        for (int n = start; n < _count && n - start < count; n++)
        {
            into.Add(this[reverse ? _count - 1 - n : n]);
        }
    }

    /// <summary>A copy (COPY); the element arrays are shared, since stored arrays are never modified.</summary>
    public ListValue Clone()
    {
        var copy = new ListValue(_count);
        for (int i = 0; i < _count; i++)
        {
            copy.PushTail(this[i]);
        }

        return copy;
    }

    private int Slot(int index) => (_head + index) % _items.Length;

    private long Added(byte[] element)
    {
        long delta = element.Length + PerElementOverhead;
        UsedBytes += delta;
        return delta;
    }

    private long Removed(byte[] element)
    {
        long delta = -(element.Length + PerElementOverhead);
        UsedBytes += delta;
        if (_count == 0)
        {
            _head = 0;
        }

        return delta;
    }

    private void Grow()
    {
        if (_count < _items.Length)
        {
            return;
        }

        Resize(_items.Length * 2);
    }

    private void Resize(int size)
    {
        var resized = new byte[size][];
        for (int i = 0; i < _count; i++)
        {
            resized[i] = this[i];
        }

        _items = resized;
        _head = 0;
    }
}
