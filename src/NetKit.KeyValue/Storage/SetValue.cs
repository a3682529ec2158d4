using System.Buffers.Text;

namespace NetKit.KeyValue;

/// <summary>
/// A set of distinct members of arbitrary bytes, in one of Redis 7.0's two encodings: an "intset" (sorted
/// 64-bit integers, while every member is an integer in canonical form and there are at most
/// set-max-intset-entries of them) or a "hashtable". The hashtable is a dense array of members with an index
/// map, so a random member (SPOP, SRANDMEMBER) is one array read and a removal a swap with the last. Changed and
/// read only under the store's write lock; the store does the journaling and memory accounting around it.
/// </summary>
internal sealed class SetValue : ISortable
{
    /// <summary>Redis's default set-max-intset-entries.</summary>
    internal const int IntsetMaxEntries = 512;

    /// <summary>Rough cost of one hashtable member's entry and array header, for memory accounting.</summary>
    internal const int PerMemberOverhead = 40;

    /// <summary>Digits of the longest 64-bit integer with its sign: a scratch buffer's size for <see cref="MemberAt"/>.</summary>
    internal const int MaxIntegerLength = 20;

    // Intset: sorted ascending, as Redis's intset, so SMEMBERS of one answers in Redis's order. Null once a hashtable.
    private long[]? _ints;
    private byte[][] _dense = [];
    private Dictionary<byte[], int>? _index;
    private Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    private int _count;
    // SSCAN's order while an iteration runs: the members sorted by a hash fixed for the life of the process.
    private uint[]? _scanHashes;
    private byte[][]? _scanMembers;

    /// <summary>An empty set, an intset until a member says otherwise (Redis's setTypeCreate).</summary>
    public SetValue() => _ints = new long[4];

    public int Count => _count;

    /// <summary>A set has no order of its own: SORT always sorts it.</summary>
    public bool Ordered => false;

    /// <inheritdoc />
    public void CopyTo(List<byte[]> into, int start, int count, bool reverse)
    {
        for (int n = start; n < _count && n - start < count; n++)
        {
            into.Add(MemberArrayAt(reverse ? _count - 1 - n : n));
        }
    }

    public bool IsIntset => _ints is not null;

    public string Encoding => IsIntset ? "intset" : "hashtable";

    /// <summary>Approximate bytes held by the members.</summary>
    public long UsedBytes { get; private set; }

    /// <summary>Every member, as a new array for an integer one: the way for other types' commands (SORT,
    /// ZUNIONSTORE) to read a set. Read under the write lock.</summary>
    public IEnumerable<byte[]> Members
    {
        get
        {
            for (int i = 0; i < _count; i++)
            {
                yield return MemberArrayAt(i);
            }
        }
    }

    public bool Contains(ReadOnlySpan<byte> member)
    {
        if (_ints is null)
        {
            return _bySpan.ContainsKey(member);
        }

        return CommandContext.TryParseInteger(member, out long number) && Array.BinarySearch(_ints, 0, _count, number) >= 0;
    }

    /// <summary>Member <paramref name="index"/> (0 to <see cref="Count"/> - 1): an intset's formatted into
    /// <paramref name="scratch"/> (<see cref="MaxIntegerLength"/> bytes), a hashtable's as stored.</summary>
    public ReadOnlySpan<byte> MemberAt(int index, Span<byte> scratch)
    {
        if (_ints is null)
        {
            return _dense[index];
        }

        Utf8Formatter.TryFormat(_ints[index], scratch, out int written);
        return scratch[..written];
    }

    public byte[] MemberArrayAt(int index)
    {
        Span<byte> scratch = stackalloc byte[MaxIntegerLength];
        return _ints is null ? _dense[index] : MemberAt(index, scratch).ToArray();
    }

    /// <summary>Writes member <paramref name="index"/> as a bulk string, without allocating.</summary>
    public void WriteMember(ReplyWriter reply, int index)
    {
        if (_ints is null)
        {
            reply.Bulk(_dense[index]);
        }
        else
        {
            reply.Bulk(_ints[index]);
        }
    }

    /// <summary>Adds a member; returns the change in <see cref="UsedBytes"/>. An intset becomes a hashtable for
    /// a member that is not an integer or past <paramref name="maxIntsetEntries"/> members, and never turns back,
    /// as in Redis.</summary>
    public long Add(ReadOnlySpan<byte> member, long maxIntsetEntries, out bool added)
    {
        long before = UsedBytes;
        if (_ints is not null)
        {
            if (CommandContext.TryParseInteger(member, out long number))
            {
                int at = Array.BinarySearch(_ints, 0, _count, number);
                if (at >= 0)
                {
                    added = false;
                    return 0;
                }

                InsertInteger(~at, number);
                added = true;
                if (_count > maxIntsetEntries)
                {
                    ConvertToHashtable();
                }

                return UsedBytes - before;
            }

            ConvertToHashtable();
        }

        added = AddToHashtable(member);
        return UsedBytes - before;
    }

    /// <summary>Removes a member; returns the change in <see cref="UsedBytes"/> (0 when it was not there).</summary>
    public long Remove(ReadOnlySpan<byte> member, out bool removed)
    {
        removed = false;
        if (_ints is not null)
        {
            if (!CommandContext.TryParseInteger(member, out long number))
            {
                return 0;
            }

            int at = Array.BinarySearch(_ints, 0, _count, number);
            if (at < 0)
            {
                return 0;
            }

            Array.Copy(_ints, at + 1, _ints, at, _count - at - 1);
            _count--;
            removed = true;
            ShrinkIfSparse(ref _ints);
            UsedBytes -= sizeof(long);
            return -sizeof(long);
        }

        if (!_bySpan.Remove(member, out byte[]? stored, out int index))
        {
            return 0;
        }

        // The last member fills the hole, so the array stays dense.
        int last = _count - 1;
        if (index != last)
        {
            byte[] moved = _dense[last];
            _dense[index] = moved;
            _index![moved] = index;
        }

        _dense[last] = null!;
        _count--;
        removed = true;
        ShrinkIfSparse(ref _dense);
        long delta = -(stored.Length + PerMemberOverhead);
        UsedBytes += delta;
        return delta;
    }

    /// <summary>A copy (COPY, SINTERSTORE of one set); member arrays are shared, since they are never modified.</summary>
    public SetValue Clone()
    {
        var copy = new SetValue { UsedBytes = UsedBytes, _count = _count };
        if (_ints is not null)
        {
            copy._ints = (long[])_ints.Clone();
            return copy;
        }

        copy._ints = null;
        copy._dense = new byte[_dense.Length][];
        Array.Copy(_dense, copy._dense, _count);
        copy._index = new Dictionary<byte[], int>(_index!, ByteArrayKeyComparer.Instance);
        copy._bySpan = copy._index.GetAlternateLookup<ReadOnlySpan<byte>>();
        return copy;
    }

    /// <summary>The members as they are now, for a reader that cannot hold the lock (the log rewrite).</summary>
    public byte[][] Snapshot()
    {
        var members = new byte[_count][];
        for (int i = 0; i < _count; i++)
        {
            members[i] = MemberArrayAt(i);
        }

        return members;
    }

    /// <summary>The intset's integers, ascending (DUMP's intset payload). Only while <see cref="IsIntset"/>.</summary>
    public ReadOnlySpan<long> Integers => _ints.AsSpan(0, _count);

    /// <summary>
    /// One SSCAN call over a hashtable: up to <paramref name="count"/> members from <paramref name="cursor"/> on
    /// (plus any sharing the last one's hash: a cursor cannot point between them), added to <paramref name="page"/>;
    /// returns the next cursor, 0 when done. A cursor is the member hash to go on from plus one, so a member present
    /// for the whole iteration is returned at least once however the set changes meanwhile, as Redis promises.
    /// </summary>
    /// <remarks>The sorted order is a snapshot taken when an iteration starts and dropped when one ends; members
    /// removed since are skipped, members added since may or may not be returned, as in Redis.</remarks>
    public ulong Scan(ulong cursor, long count, List<byte[]> page)
    {
        if (cursor > (ulong)uint.MaxValue + 1)
        {
            return 0;
        }

        if (cursor == 0 || _scanHashes is null)
        {
            _scanMembers = _dense[.._count];
            _scanHashes = new uint[_scanMembers.Length];
            for (int i = 0; i < _scanMembers.Length; i++)
            {
                _scanHashes[i] = (uint)ByteArrayKeyComparer.Instance.GetHashCode(_scanMembers[i]);
            }

            Array.Sort(_scanHashes, _scanMembers);
        }

        uint from = cursor == 0 ? 0 : (uint)(cursor - 1);
        int at = Array.BinarySearch(_scanHashes, from);
        if (at < 0)
        {
            at = ~at;
        }

        // BinarySearch finds any of several equal hashes: step back to the first.
        while (at > 0 && _scanHashes[at - 1] == from)
        {
            at--;
        }

        int taken = 0;
        while (at < _scanHashes.Length)
        {
            uint hash = _scanHashes[at];
            if (taken >= count)
            {
                return (ulong)hash + 1;
            }

            for (; at < _scanHashes.Length && _scanHashes[at] == hash; at++)
            {
                if (_bySpan.ContainsKey(_scanMembers![at]))
                {
                    page.Add(_scanMembers[at]);
                    taken++;
                }
            }
        }

        _scanHashes = null;
        _scanMembers = null;
        return 0;
    }

    /// <summary>A set emptied by SPOP or SREM gives its array back in steps, so a set that was once large does
    /// not pin that memory.</summary>
    private void ShrinkIfSparse<T>(ref T[] array)
    {
        if (array.Length > 64 && _count < array.Length / 4)
        {
            Array.Resize(ref array, array.Length / 2);
        }
    }

    private void InsertInteger(int at, long number)
    {
        if (_count == _ints!.Length)
        {
            Array.Resize(ref _ints, _count * 2);
        }

        Array.Copy(_ints, at, _ints, at + 1, _count - at);
        _ints[at] = number;
        _count++;
        UsedBytes += sizeof(long);
    }

    private void ConvertToHashtable()
    {
        long[] ints = _ints!;
        int count = _count;
        _ints = null;
        _dense = new byte[Math.Max(4, count)][];
        _index = new Dictionary<byte[], int>(count, ByteArrayKeyComparer.Instance);
        _bySpan = _index.GetAlternateLookup<ReadOnlySpan<byte>>();
        _count = 0;
        UsedBytes = 0;
        Span<byte> scratch = stackalloc byte[MaxIntegerLength];
        for (int i = 0; i < count; i++)
        {
            Utf8Formatter.TryFormat(ints[i], scratch, out int written);
            AddToHashtable(scratch[..written]);
        }
    }

    private bool AddToHashtable(ReadOnlySpan<byte> member)
    {
        if (_bySpan.ContainsKey(member))
        {
            return false;
        }

        if (_count == _dense.Length)
        {
            Array.Resize(ref _dense, Math.Max(4, _count * 2));
        }

        byte[] stored = member.ToArray();
        _dense[_count] = stored;
        _index![stored] = _count;
        _count++;
        UsedBytes += stored.Length + PerMemberOverhead;
        return true;
    }
}
