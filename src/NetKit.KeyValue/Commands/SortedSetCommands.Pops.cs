using System.Buffers.Text;

namespace NetKit.KeyValue;

// Taking members out at either end (ZPOPMIN, ZPOPMAX, ZMPOP) and looking at some without order (ZRANDMEMBER, ZSCAN).
internal static partial class SortedSetCommands
{
    /// <summary>The most members one ZRANDMEMBER with a negative count returns (repeats allowed): every pick is
    /// written before the reply leaves, so a huge count would take memory without limit.</summary>
    private const long MaxRandomPicks = 1_000_000;

    private static void ZPopMin(ref CommandContext context) => Pop(ref context, max: false);

    private static void ZPopMax(ref CommandContext context) => Pop(ref context, max: true);

    private static void Pop(ref CommandContext context, bool max)
    {
        if (context.Count > 3)
        {
            context.SyntaxError();
            return;
        }

        long count = 1;
        if (context.Count == 3 && (!CommandContext.TryParseInteger(context[2], out count) || count < 0))
        {
            // Redis's getPositiveLongFromObjectOrReply: one message for both kinds of wrong.
            context.Reply.Error("ERR value is out of range, must be positive"u8);
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (!store.TryGetSortedSet(context[1], out SortedSetValue set))
            {
                context.Reply.ArrayHeader(0);
                return;
            }

            var popped = PopLocked(store, context[1], set, max, count);
            // With a count, RESP3 gets [member, score] pairs; RESP2, and a plain pop, a flat array.
            bool pairs = context.Count == 3 && context.Reply.IsResp3;
            context.Reply.ArrayHeader(popped.Count * (pairs ? 1 : 2));
            foreach (var (member, score) in popped)
            {
                WriteMember(context.Reply, member, score, withScore: true, pairs);
            }
        }
    }

    /// <summary>Removes up to <paramref name="count"/> members from one end, each journaled as a ZREM.</summary>
    internal static List<(byte[] Member, double Score)> PopLocked(KeyValueStore store, ReadOnlySpan<byte> key, SortedSetValue set, bool max, long count)
    {
        var popped = new List<(byte[], double)>((int)Math.Min(count, set.Count));
        while (popped.Count < count && (max ? set.Last : set.First) is { } node)
        {
            popped.Add((node.Member, node.Score));
            store.SortedSetRemoveLocked(key, set, node.Member);
            if (popped.Count < count && !store.ContainsKey(key))
            {
                break;
            }
        }

        store.NotifySortedSetRemoval(key, popped.Count, max ? "zpopmax"u8 : "zpopmin"u8);
        return popped;
    }

    /// <summary>ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: from the first non-empty set.</summary>
    private static void ZMPop(ref CommandContext context)
    {
        if (!TryParseMPop(ref context, 1, out int keyCount, out bool max, out long count))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (!TryMPopLocked(ref context, 2, keyCount, max, count))
            {
                context.Reply.NullArray();
            }
        }
    }

    /// <summary>ZMPOP's and BZMPOP's numkeys (at <paramref name="at"/>), keys, MIN|MAX and COUNT; Redis's error replied when wrong.</summary>
    internal static bool TryParseMPop(ref CommandContext context, int at, out int keyCount, out bool max, out long count)
    {
        keyCount = 0;
        max = false;
        count = -1;
        if (!CommandContext.TryParseInteger(context[at], out long keys) || keys < 1)
        {
            context.Reply.Error("ERR numkeys should be greater than 0"u8);
            return false;
        }

        long whereIndex = at + 1 + keys;
        if (whereIndex >= context.Count)
        {
            context.SyntaxError();
            return false;
        }

        if (context.Is((int)whereIndex, "MIN"u8))
        {
            max = false;
        }
        else if (context.Is((int)whereIndex, "MAX"u8))
        {
            max = true;
        }
        else
        {
            context.SyntaxError();
            return false;
        }

        for (int j = (int)whereIndex + 1; j < context.Count; j++)
        {
            if (count == -1 && context.Is(j, "COUNT"u8) && j + 1 < context.Count)
            {
                j++;
                if (!CommandContext.TryParseInteger(context[j], out count) || count < 1)
                {
                    context.Reply.Error("ERR count should be greater than 0"u8);
                    return false;
                }
            }
            else
            {
                context.SyntaxError();
                return false;
            }
        }

        if (count == -1)
        {
            count = 1;
        }

        keyCount = (int)keys;
        return true;
    }

    /// <summary>Pops from the first non-empty sorted set of the keys from <paramref name="firstKey"/> and replies
    /// [key, [[member, score]...]]; false (nothing replied) when every one is empty. Caller holds the write lock.</summary>
    internal static bool TryMPopLocked(ref CommandContext context, int firstKey, int keyCount, bool max, long count)
    {
        var store = context.Store;
        for (int k = firstKey; k < firstKey + keyCount; k++)
        {
            if (!store.TryGetSortedSet(context[k], out SortedSetValue set))
            {
                continue;
            }

            var popped = PopLocked(store, context[k], set, max, count);
            WriteMPopReply(context.Reply, context[k], popped);
            return true;
        }

        return false;
    }

    internal static void WriteMPopReply(ReplyWriter reply, ReadOnlySpan<byte> key, List<(byte[] Member, double Score)> popped)
    {
        reply.ArrayHeader(2);
        reply.Bulk(key);
        reply.ArrayHeader(popped.Count);
        foreach (var (member, score) in popped)
        {
            WriteMember(reply, member, score, withScore: true, pair: true);
        }
    }


    private static void ZRandMember(ref CommandContext context)
    {
        var reply = context.Reply;
        if (context.Count == 2)
        {
            var one = context.Store;
            lock (one.WriteLock)
            {
                if (one.TryGetSortedSet(context[1], out SortedSetValue set))
                {
                    reply.Bulk(set.AtRank(Random.Shared.Next(set.Count))!.Member);
                }
                else
                {
                    reply.Null();
                }
            }

            return;
        }

        if (!CommandContext.TryParseInteger(context[2], out long count) || count == long.MinValue)
        {
            reply.Error(CommandContext.TryParseInteger(context[2], out _)
                ? "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"u8
                : "ERR value is not an integer or out of range"u8);
            return;
        }

        bool withScores = false;
        if (context.Count == 4 && context.Is(3, "WITHSCORES"u8))
        {
            withScores = true;
        }
        else if (context.Count > 3)
        {
            context.SyntaxError();
            return;
        }

        if ((withScores && count < -long.MaxValue / 2) || count < -MaxRandomPicks)
        {
            reply.Error("ERR value is out of range"u8);
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (!store.TryGetSortedSet(context[1], out SortedSetValue set) || count == 0)
            {
                reply.ArrayHeader(0);
                return;
            }

            var chosen = new List<SortedSetNode>();
            if (count < 0)
            {
                // Negative: that many picks, each independent, so members may repeat.
                for (long i = 0; i < -count; i++)
                {
                    chosen.Add(set.AtRank(Random.Shared.Next(set.Count))!);
                }
            }
            else if (count >= set.Count)
            {
                for (var node = set.First; node is not null; node = node.Forward[0])
                {
                    chosen.Add(node);
                }
            }
            else
            {
                // Distinct ranks drawn at random (Floyd's method): count lookups of O(log n) each.
                var ranks = new HashSet<int>();
                for (int j = set.Count - (int)count; j < set.Count; j++)
                {
                    int pick = Random.Shared.Next(j + 1);
                    ranks.Add(ranks.Contains(pick) ? j : pick);
                }

                foreach (int rank in ranks)
                {
                    chosen.Add(set.AtRank(rank)!);
                }
            }

            WriteNodes(reply, chosen, withScores);
        }
    }

    /// <summary>ZSCAN key cursor [MATCH pattern] [COUNT count].</summary>
    private static void ZScan(ref CommandContext context)
    {
        var reply = context.Reply;
        if (!CollectionScanArguments.TryParse(ref context, out ulong cursor, out long count, out int patternIndex))
        {
            return;
        }

        var store = context.Store;
        ReadOnlySpan<byte> pattern = patternIndex == 0 ? "*"u8 : context[patternIndex];
        bool all = pattern.Length == 1 && pattern[0] == (byte)'*';
        lock (store.WriteLock)
        {
            // A listpack is returned whole with cursor 0 whatever COUNT says, as Redis does; a skiplist's
            // dictionary page by page, COUNT members at a time, MATCH applied to each page.
            var matches = new List<SortedSetNode>();
            ulong next = 0;
            if (store.TryGetSortedSet(context[1], out SortedSetValue set))
            {
                if (set.IsListpack)
                {
                    for (var node = set.First; node is not null; node = node.Forward[0])
                    {
                        matches.Add(node);
                    }
                }
                else
                {
                    next = set.Scan(cursor, count, matches);
                }

                if (!all)
                {
                    int kept = 0;
                    for (int i = 0; i < matches.Count; i++)
                    {
                        if (GlobPattern.IsMatch(pattern, matches[i].Member))
                        {
                            matches[kept++] = matches[i];
                        }
                    }

                    matches.RemoveRange(kept, matches.Count - kept);
                }
            }

            reply.ArrayHeader(2);
            reply.Bulk((long)next);
            reply.ArrayHeader(matches.Count * 2);
            foreach (var node in matches)
            {
                reply.Bulk(node.Member);
                ScoreText.ReplyText(reply, node.Score);
            }
        }
    }
}
