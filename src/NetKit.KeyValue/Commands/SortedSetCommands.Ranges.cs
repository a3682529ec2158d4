namespace NetKit.KeyValue;

// Ranges: ZRANGE and its older forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY*, by rank, score or member.
internal static partial class SortedSetCommands
{
    private enum RangeKind
    {
        Rank,
        Score,
        Lex,
    }

    private static void ZRange(ref CommandContext context) => RangeCommand(ref context, 1, RangeKind.Rank, reverse: false, options: true, store: false);

    private static void ZRangeStore(ref CommandContext context) => RangeCommand(ref context, 2, RangeKind.Rank, reverse: false, options: true, store: true);

    private static void ZRevRange(ref CommandContext context) => RangeCommand(ref context, 1, RangeKind.Rank, reverse: true, options: false, store: false);

    private static void ZRangeByScore(ref CommandContext context) => RangeCommand(ref context, 1, RangeKind.Score, reverse: false, options: false, store: false);

    private static void ZRevRangeByScore(ref CommandContext context) => RangeCommand(ref context, 1, RangeKind.Score, reverse: true, options: false, store: false);

    private static void ZRangeByLex(ref CommandContext context) => RangeCommand(ref context, 1, RangeKind.Lex, reverse: false, options: false, store: false);

    private static void ZRevRangeByLex(ref CommandContext context) => RangeCommand(ref context, 1, RangeKind.Lex, reverse: true, options: false, store: false);

    /// <summary>Redis's zrangeGenericCommand: the source key at <paramref name="keyIndex"/>, its two ends after it, then
    /// the options (REV, BYSCORE and BYLEX only where <paramref name="options"/> allows them).</summary>
    private static void RangeCommand(ref CommandContext context, int keyIndex, RangeKind kind, bool reverse, bool options, bool store)
    {
        bool withScores = false;
        long offset = 0, limit = -1;
        for (int j = keyIndex + 3; j < context.Count; j++)
        {
            int left = context.Count - j - 1;
            if (!store && context.Is(j, "WITHSCORES"u8))
            {
                withScores = true;
            }
            else if (context.Is(j, "LIMIT"u8) && left >= 2)
            {
                if (!context.TryInteger(j + 1, out offset) || !context.TryInteger(j + 2, out limit))
                {
                    return;
                }

                j += 2;
            }
            else if (options && context.Is(j, "REV"u8))
            {
                reverse = true;
            }
            else if (options && context.Is(j, "BYLEX"u8))
            {
                kind = RangeKind.Lex;
            }
            else if (options && context.Is(j, "BYSCORE"u8))
            {
                kind = RangeKind.Score;
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }

        if (limit != -1 && kind == RangeKind.Rank)
        {
            context.Reply.Error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"u8);
            return;
        }

        if (withScores && kind == RangeKind.Lex)
        {
            context.Reply.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"u8);
            return;
        }

        // A reverse range by score or member is given as max, min.
        int minIndex = keyIndex + 1, maxIndex = keyIndex + 2;
        if (reverse && kind != RangeKind.Rank)
        {
            (minIndex, maxIndex) = (maxIndex, minIndex);
        }

        long start = 0, end = 0;
        ScoreRange scores = default;
        LexRange lex = default;
        if (!TryParseRange(ref context, kind, minIndex, maxIndex, ref start, ref end, ref scores, ref lex))
        {
            return;
        }

        var db = context.Store;
        var found = new List<SortedSetNode>();
        lock (db.WriteLock)
        {
            bool hit = db.TryGetSortedSet(context[keyIndex], out SortedSetValue set);
            if (!store)
            {
                context.CountLookup(hit);
            }

            if (hit)
            {
                switch (kind)
                {
                    case RangeKind.Rank:
                        CollectByRank(set, start, end, reverse, found);
                        break;
                    case RangeKind.Score:
                        CollectByScore(set, scores, reverse, offset, limit, found);
                        break;
                    default:
                        CollectByLex(set, lex, reverse, offset, limit, found);
                        break;
                }
            }

            if (store)
            {
                var result = db.NewSortedSet(found.Select(node => (node.Member, node.Score)));
                db.StoreSortedSetLocked(context[1], result, "zrangestore"u8);
                context.Reply.Integer(result.Count);
                return;
            }

            WriteNodes(context.Reply, found, withScores);
        }
    }

    private static bool TryParseRange(ref CommandContext context, RangeKind kind, int minIndex, int maxIndex,
        ref long start, ref long end, ref ScoreRange scores, ref LexRange lex)
    {
        switch (kind)
        {
            case RangeKind.Rank:
                return context.TryInteger(minIndex, out start) && context.TryInteger(maxIndex, out end);
            case RangeKind.Score:
                if (!TryParseScoreRange(context[minIndex], context[maxIndex], out scores))
                {
                    context.Reply.Error("ERR min or max is not a float"u8);
                    return false;
                }

                return true;
            default:
                if (!LexRange.TryParse(context[minIndex], context[maxIndex], out lex))
                {
                    context.Reply.Error("ERR min or max not valid string range item"u8);
                    return false;
                }

                return true;
        }
    }

    /// <summary>Redis's zslParseRange: each end a score, "(" before it for an exclusive one.</summary>
    private static bool TryParseScoreRange(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        bool minExclusive = !min.IsEmpty && min[0] == (byte)'(';
        bool maxExclusive = !max.IsEmpty && max[0] == (byte)'(';
        if (!ScoreText.TryParse(minExclusive ? min[1..] : min, out double low) || !ScoreText.TryParse(maxExclusive ? max[1..] : max, out double high))
        {
            return false;
        }

        range = new ScoreRange(low, minExclusive, high, maxExclusive);
        return true;
    }

    /// <summary>Clamps ranks as Redis does (negative from the end); false when nothing is in range.</summary>
    private static bool ClampRanks(long count, ref long start, ref long end)
    {
        if (start < 0)
        {
            start += count;
        }

        if (end < 0)
        {
            end += count;
        }

        if (start < 0)
        {
            start = 0;
        }

        if (start > end || start >= count)
        {
            return false;
        }

        if (end >= count)
        {
            end = count - 1;
        }

        return true;
    }

    private static void CollectByRank(SortedSetValue set, long start, long end, bool reverse, List<SortedSetNode> found)
    {
        if (!ClampRanks(set.Count, ref start, ref end))
        {
            return;
        }

        var node = set.AtRank((int)(reverse ? set.Count - 1 - start : start));
        for (long i = start; i <= end && node is not null; i++)
        {
            found.Add(node);
            node = reverse ? node.Backward : node.Forward[0];
        }
    }

    private static void CollectByScore(SortedSetValue set, ScoreRange range, bool reverse, long offset, long limit, List<SortedSetNode> found)
    {
        if (offset < 0 || (offset > 0 && offset >= set.Count))
        {
            // Redis skips "offset" nodes counting down to zero: a negative offset skips them all.
            return;
        }

        var node = reverse ? set.LastIn(range) : set.FirstIn(range);
        for (; node is not null && offset > 0; offset--)
        {
            node = reverse ? node.Backward : node.Forward[0];
        }

        for (; node is not null && limit != 0; limit--)
        {
            if (reverse ? !range.AboveMin(node.Score) : !range.BelowMax(node.Score))
            {
                break;
            }

            found.Add(node);
            node = reverse ? node.Backward : node.Forward[0];
        }
    }

    private static void CollectByLex(SortedSetValue set, in LexRange range, bool reverse, long offset, long limit, List<SortedSetNode> found)
    {
        if (offset < 0 || (offset > 0 && offset >= set.Count))
        {
            return;
        }

        var node = reverse ? set.LastIn(range) : set.FirstIn(range);
        for (; node is not null && offset > 0; offset--)
        {
            node = reverse ? node.Backward : node.Forward[0];
        }

        for (; node is not null && limit != 0; limit--)
        {
            if (reverse ? !range.AboveMin(node.Member) : !range.BelowMax(node.Member))
            {
                break;
            }

            found.Add(node);
            node = reverse ? node.Backward : node.Forward[0];
        }
    }

    /// <summary>Members, with their scores after each in RESP2 or as [member, score] pairs in RESP3 (Redis keeps
    /// an array rather than a map there so that the order holds).</summary>
    private static void WriteNodes(ReplyWriter reply, List<SortedSetNode> nodes, bool withScores)
    {
        bool pairs = withScores && reply.IsResp3;
        reply.ArrayHeader(nodes.Count * (withScores && !pairs ? 2 : 1));
        foreach (var node in nodes)
        {
            WriteMember(reply, node.Member, node.Score, withScores, pairs);
        }
    }

    internal static void WriteMember(ReplyWriter reply, ReadOnlySpan<byte> member, double score, bool withScore, bool pair)
    {
        if (pair)
        {
            reply.ArrayHeader(2);
        }

        reply.Bulk(member);
        if (withScore)
        {
            ScoreText.Reply(reply, score);
        }
    }

    private static void ZCount(ref CommandContext context)
    {
        if (!TryParseScoreRange(context[2], context[3], out ScoreRange range))
        {
            context.Reply.Error("ERR min or max is not a float"u8);
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            long count = 0;
            if (store.TryGetSortedSet(context[1], out SortedSetValue set) && set.FirstIn(range) is { } first)
            {
                count = set.RankOf(set.LastIn(range)!) - set.RankOf(first) + 1;
            }

            context.Reply.Integer(count);
        }
    }

    private static void ZLexCount(ref CommandContext context)
    {
        if (!LexRange.TryParse(context[2], context[3], out LexRange range))
        {
            context.Reply.Error("ERR min or max not valid string range item"u8);
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            long count = 0;
            if (store.TryGetSortedSet(context[1], out SortedSetValue set) && set.FirstIn(range) is { } first && set.LastIn(range) is { } last)
            {
                count = Math.Max(0, set.RankOf(last) - set.RankOf(first) + 1);
            }

            context.Reply.Integer(count);
        }
    }

    private static void ZRemRangeByRank(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long start) || !context.TryInteger(3, out long end))
        {
            return;
        }

        RemoveRange(ref context, RangeKind.Rank, start, end, default, default);
    }

    private static void ZRemRangeByScore(ref CommandContext context)
    {
        if (!TryParseScoreRange(context[2], context[3], out ScoreRange range))
        {
            context.Reply.Error("ERR min or max is not a float"u8);
            return;
        }

        RemoveRange(ref context, RangeKind.Score, 0, 0, range, default);
    }

    private static void ZRemRangeByLex(ref CommandContext context)
    {
        if (!LexRange.TryParse(context[2], context[3], out LexRange range))
        {
            context.Reply.Error("ERR min or max not valid string range item"u8);
            return;
        }

        RemoveRange(ref context, RangeKind.Lex, 0, 0, default, range);
    }

    private static void RemoveRange(ref CommandContext context, RangeKind kind, long start, long end, ScoreRange scores, in LexRange lex)
    {
        var store = context.Store;
        var found = new List<SortedSetNode>();
        lock (store.WriteLock)
        {
            if (store.TryGetSortedSet(context[1], out SortedSetValue set))
            {
                switch (kind)
                {
                    case RangeKind.Rank:
                        CollectByRank(set, start, end, reverse: false, found);
                        break;
                    case RangeKind.Score:
                        CollectByScore(set, scores, reverse: false, 0, -1, found);
                        break;
                    default:
                        CollectByLex(set, lex, reverse: false, 0, -1, found);
                        break;
                }

                // Each removal journaled as a ZREM of its member, or the whole key as one DEL when the range is all of it.
                if (found.Count == set.Count && found.Count > 0)
                {
                    store.RemoveLocked(context[1]);
                }
                else
                {
                    foreach (var node in found)
                    {
                        store.SortedSetRemoveLocked(context[1], set, node.Member);
                    }
                }

                store.NotifySortedSetRemoval(context[1], found.Count, kind switch
                {
                    RangeKind.Rank => "zremrangebyrank"u8,
                    RangeKind.Score => "zremrangebyscore"u8,
                    _ => "zremrangebylex"u8,
                });
            }
        }

        context.Reply.Integer(found.Count);
    }
}
