namespace NetKit.KeyValue;

/// <summary>
/// A sorted set: members of arbitrary bytes, each with a double score, ordered by score then member. A
/// dictionary finds a member's node, a skiplist with spans orders them (ranks in O(log n)), as Redis's zset.
/// Changed and read only under the store's write lock; the store journals and accounts around the changes.
/// </summary>
internal sealed class SortedSetValue : ISortable
{
    /// <summary>The defaults of Redis 7's zset-max-listpack-entries and zset-max-listpack-value (as its
    /// redis.conf sets them): beyond either, a sorted set is a skiplist, as OBJECT ENCODING reports it.</summary>
    internal const int ListpackMaxEntries = 128;
    internal const int ListpackMaxValue = 64;

    /// <summary>Rough cost of one member's dictionary entry, node and level arrays, for memory accounting.</summary>
    internal const int PerMemberOverhead = 80;

    private readonly Dictionary<byte[], SortedSetNode> _members;
    private readonly Dictionary<byte[], SortedSetNode>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    private readonly SortedSetSkipList _order = new();
    // As in Redis a sorted set never converts back to a listpack once it has grown out of one.
    private bool _skiplist;
    private HashOrderScan<SortedSetNode>? _scan;

    public SortedSetValue(int capacity = 0)
    {
        _members = new Dictionary<byte[], SortedSetNode>(capacity, ByteArrayKeyComparer.Instance);
        _bySpan = _members.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _members.Count;

    /// <summary>Ordered by score, the order SORT ... BY nosort keeps.</summary>
    public bool Ordered => true;

    /// <inheritdoc />
    public void CopyTo(List<byte[]> into, int start, int count, bool reverse)
    {
        int total = Count;
        int first = reverse ? Math.Max(0, total - start - count) : start;
        int last = reverse ? total - 1 - start : Math.Min(total - 1, start + count - 1);
        var taken = new List<byte[]>();
        int rank = 0;
        foreach (var (member, _) in Ascending)
        {
            if (rank > last)
            {
                break;
            }

            if (rank >= first)
            {
                taken.Add(member);
            }

            rank++;
        }

        if (reverse)
        {
            taken.Reverse();
        }

        into.AddRange(taken);
    }

    /// <summary>Approximate bytes held by members and scores.</summary>
    public long UsedBytes { get; private set; }

    public string Encoding => _skiplist ? "skiplist" : "listpack";

    public bool IsListpack => !_skiplist;

    /// <summary>The lowest-ranked member, or null when empty.</summary>
    public SortedSetNode? First => _order.First;

    /// <summary>The highest-ranked member, or null when empty.</summary>
    public SortedSetNode? Last => _order.Last;

    /// <summary>Every member with its score, lowest first (the seam SORT and the rewrite read it through).</summary>
    public IEnumerable<(byte[] Member, double Score)> Ascending
    {
        get
        {
            for (var node = _order.First; node is not null; node = node.Forward[0])
            {
                yield return (node.Member, node.Score);
            }
        }
    }

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (_bySpan.TryGetValue(member, out SortedSetNode? node))
        {
            score = node.Score;
            return true;
        }

        score = 0;
        return false;
    }

    /// <summary>Sets a member's score, adding it if missing; returns the change in <see cref="UsedBytes"/>. A new
    /// member past <paramref name="maxEntries"/> members, or longer than <paramref name="maxValue"/>, makes the
    /// set a skiplist (CONFIG SET zset-max-listpack-*), as Redis's zsetAdd converts.</summary>
    public long Set(ReadOnlySpan<byte> member, double score, out bool added,
        long maxEntries = ListpackMaxEntries, long maxValue = ListpackMaxValue)
    {
        if (_bySpan.TryGetValue(member, out SortedSetNode? node))
        {
            added = false;
            score = AsStored(score);
            if (node.Score != score)
            {
                var moved = _order.UpdateScore(node, score);
                if (!ReferenceEquals(moved, node))
                {
                    _members[node.Member] = moved;
                }
            }

            return 0;
        }

        added = true;
        if (_members.Count + 1 > maxEntries || member.Length > maxValue)
        {
            _skiplist = true;
        }

        byte[] stored = member.ToArray();
        _members[stored] = _order.Insert(stored, AsStored(score));
        long delta = member.Length + sizeof(double) + PerMemberOverhead;
        UsedBytes += delta;
        return delta;
    }

    /// <summary>A listpack keeps a score that is a whole number as an integer, so -0 comes back as 0 there (Redis's
    /// zzlInsertAt and double2ll); a skiplist keeps the double as it is.</summary>
    private double AsStored(double score) => !_skiplist && score == 0 ? 0.0 : score;

    /// <summary>Removes a member; returns the change in <see cref="UsedBytes"/> (0 when it was not there).</summary>
    public long Remove(ReadOnlySpan<byte> member, out bool removed)
    {
        if (!_bySpan.Remove(member, out byte[]? stored, out SortedSetNode? node))
        {
            removed = false;
            return 0;
        }

        _order.Delete(node.Score, stored);
        removed = true;
        long delta = -(stored.Length + sizeof(double) + PerMemberOverhead);
        UsedBytes += delta;
        return delta;
    }

    /// <summary>The 0-based rank of a member, lowest score first (or highest with <paramref name="reverse"/>); -1 when absent.</summary>
    public int RankOf(ReadOnlySpan<byte> member, bool reverse)
    {
        if (!_bySpan.TryGetValue(member, out SortedSetNode? node))
        {
            return -1;
        }

        int rank = _order.RankOf(node.Score, node.Member);
        return reverse ? Count - 1 - rank : rank;
    }

    /// <summary>The member at 0-based <paramref name="rank"/> from the low end, or null.</summary>
    public SortedSetNode? AtRank(int rank) => _order.AtRank(rank);

    public SortedSetNode? FirstIn(ScoreRange range) => _order.FirstIn(range);

    public SortedSetNode? LastIn(ScoreRange range) => _order.LastIn(range);

    public SortedSetNode? FirstIn(in LexRange range) => _order.FirstIn(range);

    public SortedSetNode? LastIn(in LexRange range) => _order.LastIn(range);

    /// <summary>The 0-based rank of a node of this set.</summary>
    public int RankOf(SortedSetNode node) => _order.RankOf(node.Score, node.Member);

    /// <summary>A copy (COPY) with the same encoding; member arrays are shared, since they are never modified.</summary>
    public SortedSetValue Clone()
    {
        var copy = new SortedSetValue(Count) { _skiplist = _skiplist };
        for (var node = _order.First; node is not null; node = node.Forward[0])
        {
            copy._members[node.Member] = copy._order.Insert(node.Member, node.Score);
        }

        copy.UsedBytes = UsedBytes;
        return copy;
    }

    /// <summary>From now on a skiplist, as SORT leaves a sorted set in Redis (nothing else changes: one structure
    /// serves both encodings here).</summary>
    public void UseSkiplist() => _skiplist = true;

    /// <summary>Marks a set built whole (RESTORE of a zset2 payload) as Redis marks it after loading: a
    /// listpack when small enough, else a skiplist.</summary>
    public void ChooseEncoding(long maxEntries, long maxValue)
    {
        _skiplist = Count > maxEntries;
        for (var node = _order.First; node is not null && !_skiplist; node = node.Forward[0])
        {
            _skiplist = node.Member.Length > maxValue;
        }

        for (var node = _order.First; node is not null && !_skiplist; node = node.Forward[0])
        {
            node.Score = AsStored(node.Score);
        }
    }

    /// <summary>The members and scores as they are now, lowest first, for a reader that cannot hold the lock
    /// (the log rewrite).</summary>
    public (byte[] Member, double Score)[] Snapshot()
    {
        var all = new (byte[], double)[Count];
        int i = 0;
        for (var node = _order.First; node is not null; node = node.Forward[0])
        {
            all[i++] = (node.Member, node.Score);
        }

        return all;
    }

    /// <summary>One ZSCAN call over a skiplist-encoded set: see <see cref="HashOrderScan{T}"/>. Caller holds the
    /// store's write lock.</summary>
    public ulong Scan(ulong cursor, long count, List<SortedSetNode> page)
    {
        _scan ??= new HashOrderScan<SortedSetNode>();
        return _scan.Next(cursor, count, _members, page);
    }
}
