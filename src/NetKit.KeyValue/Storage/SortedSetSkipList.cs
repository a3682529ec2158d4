namespace NetKit.KeyValue;

/// <summary>
/// The members of a sorted set in order of score, then of member bytes: Redis's zskiplist, with a span on
/// every link so that a member's rank and the member at a rank are found in O(log n). Lookups by member go
/// through the set's dictionary; this only orders.
/// </summary>
internal sealed class SortedSetSkipList
{
    /// <summary>Redis's ZSKIPLIST_MAXLEVEL: enough for 2^64 members at p = 1/4.</summary>
    private const int MaxLevel = 32;

    private readonly SortedSetNode _header = new([], 0, MaxLevel);
    private readonly SortedSetNode[] _update = new SortedSetNode[MaxLevel];
    private readonly int[] _rank = new int[MaxLevel];
    private int _level = 1;

    public int Count { get; private set; }

    public SortedSetNode? First => _header.Forward[0];

    public SortedSetNode? Last { get; private set; }

    private static int Compare(double score, ReadOnlySpan<byte> member, SortedSetNode node) =>
        score != node.Score ? (score < node.Score ? -1 : 1) : member.SequenceCompareTo(node.Member);

    /// <summary>Links a new node for a member not in the list.</summary>
    public SortedSetNode Insert(byte[] member, double score)
    {
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            _rank[i] = i == _level - 1 ? 0 : _rank[i + 1];
            while (x.Forward[i] is { } next && Compare(score, member, next) > 0)
            {
                _rank[i] += x.Span[i];
                x = next;
            }

            _update[i] = x;
        }

        int level = RandomLevel();
        if (level > _level)
        {
            for (int i = _level; i < level; i++)
            {
                _rank[i] = 0;
                _update[i] = _header;
                _header.Span[i] = Count;
            }

            _level = level;
        }

        var node = new SortedSetNode(member, score, level);
        for (int i = 0; i < level; i++)
        {
            node.Forward[i] = _update[i].Forward[i];
            _update[i].Forward[i] = node;
            node.Span[i] = _update[i].Span[i] - (_rank[0] - _rank[i]);
            _update[i].Span[i] = _rank[0] - _rank[i] + 1;
        }

        for (int i = level; i < _level; i++)
        {
            _update[i].Span[i]++;
        }

        node.Backward = ReferenceEquals(_update[0], _header) ? null : _update[0];
        if (node.Forward[0] is { } after)
        {
            after.Backward = node;
        }
        else
        {
            Last = node;
        }

        Count++;
        return node;
    }

    /// <summary>Unlinks the node of <paramref name="member"/> at <paramref name="score"/>; false when it is not there.</summary>
    public bool Delete(double score, ReadOnlySpan<byte> member)
    {
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } next && Compare(score, member, next) > 0)
            {
                x = next;
            }

            _update[i] = x;
        }

        if (x.Forward[0] is not { } found || Compare(score, member, found) != 0)
        {
            return false;
        }

        for (int i = 0; i < _level; i++)
        {
            if (ReferenceEquals(_update[i].Forward[i], found))
            {
                _update[i].Span[i] += found.Span[i] - 1;
                _update[i].Forward[i] = found.Forward[i];
            }
            else
            {
                _update[i].Span[i]--;
            }
        }

        if (found.Forward[0] is { } after)
        {
            after.Backward = found.Backward;
        }
        else
        {
            Last = found.Backward;
        }

        while (_level > 1 && _header.Forward[_level - 1] is null)
        {
            _level--;
        }

        Count--;
        return true;
    }

    /// <summary>Moves a node to a new score: in place when its neighbours still bracket it (ZINCRBY's usual case,
    /// as Redis's zslUpdateScore), else unlinked and linked again.</summary>
    public SortedSetNode UpdateScore(SortedSetNode node, double score)
    {
        var before = node.Backward;
        var after = node.Forward[0];
        if ((before is null || Compare(score, node.Member, before) > 0) && (after is null || Compare(score, node.Member, after) < 0))
        {
            node.Score = score;
            return node;
        }

        Delete(node.Score, node.Member);
        return Insert(node.Member, score);
    }

    /// <summary>The 0-based rank of a member known to be in the list.</summary>
    public int RankOf(double score, ReadOnlySpan<byte> member)
    {
        var x = _header;
        int rank = 0;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } next && Compare(score, member, next) >= 0)
            {
                rank += x.Span[i];
                x = next;
            }

            if (!ReferenceEquals(x, _header) && Compare(score, member, x) == 0)
            {
                return rank - 1;
            }
        }

        return -1;
    }

    /// <summary>The node at 0-based <paramref name="rank"/>, or null past the end.</summary>
    public SortedSetNode? AtRank(int rank)
    {
        if (rank < 0 || rank >= Count)
        {
            return null;
        }

        var x = _header;
        int traversed = 0;
        int wanted = rank + 1;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } next && traversed + x.Span[i] <= wanted)
            {
                traversed += x.Span[i];
                x = next;
            }

            if (traversed == wanted)
            {
                return x;
            }
        }

        return null;
    }

    /// <summary>The lowest node whose score is in <paramref name="range"/>.</summary>
    public SortedSetNode? FirstIn(ScoreRange range)
    {
        if (range.IsEmpty || Last is null || !range.AboveMin(Last.Score) || !range.BelowMax(First!.Score))
        {
            return null;
        }

        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } next && !range.AboveMin(next.Score))
            {
                x = next;
            }
        }

        var first = x.Forward[0];
        return first is not null && range.BelowMax(first.Score) ? first : null;
    }

    /// <summary>The highest node whose score is in <paramref name="range"/>.</summary>
    public SortedSetNode? LastIn(ScoreRange range)
    {
        if (range.IsEmpty || Last is null || !range.AboveMin(Last.Score) || !range.BelowMax(First!.Score))
        {
            return null;
        }

        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } next && range.BelowMax(next.Score))
            {
                x = next;
            }
        }

        return !ReferenceEquals(x, _header) && range.AboveMin(x.Score) ? x : null;
    }

    /// <summary>The first node, in list order, whose member is in <paramref name="range"/> (meaningful when every
    /// score is the same, as ZRANGEBYLEX assumes).</summary>
    public SortedSetNode? FirstIn(in LexRange range)
    {
        if (range.IsEmpty || Last is null || !range.AboveMin(Last.Member) || !range.BelowMax(First!.Member))
        {
            return null;
        }

        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } next && !range.AboveMin(next.Member))
            {
                x = next;
            }
        }

        var first = x.Forward[0];
        return first is not null && range.BelowMax(first.Member) ? first : null;
    }

    /// <summary>The last node, in list order, whose member is in <paramref name="range"/>.</summary>
    public SortedSetNode? LastIn(in LexRange range)
    {
        if (range.IsEmpty || Last is null || !range.AboveMin(Last.Member) || !range.BelowMax(First!.Member))
        {
            return null;
        }

        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Forward[i] is { } next && range.BelowMax(next.Member))
            {
                x = next;
            }
        }

        return !ReferenceEquals(x, _header) && range.AboveMin(x.Member) ? x : null;
    }

    /// <summary>Redis's zslRandomLevel: each level a quarter as likely as the one below.</summary>
    private static int RandomLevel()
    {
        int level = 1;
        while (level < MaxLevel && (Random.Shared.Next() & 0xFFFF) < 0xFFFF / 4)
        {
            level++;
        }

        return level;
    }
}
