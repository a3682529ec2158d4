namespace NetKit.KeyValue;

/// <summary>
/// Commands on sorted sets, with Redis 7.0's replies and errors: this part registers them all and holds the
/// member commands (ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK). A sorted set is changed in
/// place, so these read it under the write lock too; a key of another type gets WRONGTYPE from the typed
/// lookup, which runs before any reply is written.
/// </summary>
internal static partial class SortedSetCommands
{
    private const CommandFlags Read = CommandFlags.ReadOnly;
    private const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;
    private const CommandFlags Grow = CommandFlags.Write | CommandFlags.DenyOom;
    private const CommandFlags GrowFast = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
    private const CommandFlags Shrink = CommandFlags.Write;
    private const CommandFlags ShrinkFast = CommandFlags.Write | CommandFlags.Fast;

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("zadd", -4, GrowFast, ZAdd, "sorted-set", "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("zincrby", 4, GrowFast, ZIncrBy, "sorted-set", "Increments the score of a member in a sorted set.", 1, 1, 1));
        table.Add(new CommandSpec("zrem", -3, ShrinkFast, ZRem, "sorted-set", "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.", 1, 1, 1));
        table.Add(new CommandSpec("zscore", 3, ReadFast, ZScore, "sorted-set", "Returns the score of a member in a sorted set.", 1, 1, 1));
        table.Add(new CommandSpec("zmscore", -3, ReadFast, ZMScore, "sorted-set", "Returns the score of one or more members in a sorted set.", 1, 1, 1));
        table.Add(new CommandSpec("zcard", 2, ReadFast, ZCard, "sorted-set", "Returns the number of members in a sorted set.", 1, 1, 1));
        table.Add(new CommandSpec("zrank", 3, ReadFast, ZRank, "sorted-set", "Returns the index of a member in a sorted set ordered by ascending scores.", 1, 1, 1));
        table.Add(new CommandSpec("zrevrank", 3, ReadFast, ZRevRank, "sorted-set", "Returns the index of a member in a sorted set ordered by descending scores.", 1, 1, 1));
        table.Add(new CommandSpec("zcount", 4, ReadFast, ZCount, "sorted-set", "Returns the count of members in a sorted set that have scores within a range.", 1, 1, 1));
        table.Add(new CommandSpec("zlexcount", 4, ReadFast, ZLexCount, "sorted-set", "Returns the number of members in a sorted set within a lexicographical range.", 1, 1, 1));
        table.Add(new CommandSpec("zrange", -4, Read, ZRange, "sorted-set", "Returns members in a sorted set within a range of indexes.", 1, 1, 1));
        table.Add(new CommandSpec("zrangestore", -5, Grow, ZRangeStore, "sorted-set", "Stores a range of members from sorted set in a key.", 1, 2, 1));
        table.Add(new CommandSpec("zrevrange", -4, Read, ZRevRange, "sorted-set", "Returns members in a sorted set within a range of indexes in reverse order.", 1, 1, 1));
        table.Add(new CommandSpec("zrangebyscore", -4, Read, ZRangeByScore, "sorted-set", "Returns members in a sorted set within a range of scores.", 1, 1, 1));
        table.Add(new CommandSpec("zrevrangebyscore", -4, Read, ZRevRangeByScore, "sorted-set", "Returns members in a sorted set within a range of scores in reverse order.", 1, 1, 1));
        table.Add(new CommandSpec("zrangebylex", -4, Read, ZRangeByLex, "sorted-set", "Returns members in a sorted set within a lexicographical range.", 1, 1, 1));
        table.Add(new CommandSpec("zrevrangebylex", -4, Read, ZRevRangeByLex, "sorted-set", "Returns members in a sorted set within a lexicographical range in reverse order.", 1, 1, 1));
        table.Add(new CommandSpec("zremrangebyrank", 4, Shrink, ZRemRangeByRank, "sorted-set", "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.", 1, 1, 1));
        table.Add(new CommandSpec("zremrangebyscore", 4, Shrink, ZRemRangeByScore, "sorted-set", "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.", 1, 1, 1));
        table.Add(new CommandSpec("zremrangebylex", 4, Shrink, ZRemRangeByLex, "sorted-set", "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.", 1, 1, 1));
        table.Add(new CommandSpec("zpopmin", -2, ShrinkFast, ZPopMin, "sorted-set", "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", 1, 1, 1));
        table.Add(new CommandSpec("zpopmax", -2, ShrinkFast, ZPopMax, "sorted-set", "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", 1, 1, 1));
        table.Add(new CommandSpec("zmpop", -4, Shrink, ZMPop, "sorted-set", "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped."));
        table.Add(new CommandSpec("zrandmember", -2, Read, ZRandMember, "sorted-set", "Returns one or more random members from a sorted set.", 1, 1, 1));
        table.Add(new CommandSpec("zscan", -3, Read, ZScan, "sorted-set", "Iterates over members and scores of a sorted set.", 1, 1, 1));
        RegisterAlgebra(table);
    }

    private static void ZAdd(ref CommandContext context)
    {
        bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
        int first = 2;
        for (; first < context.Count; first++)
        {
            if (context.Is(first, "NX"u8))
            {
                nx = true;
            }
            else if (context.Is(first, "XX"u8))
            {
                xx = true;
            }
            else if (context.Is(first, "GT"u8))
            {
                gt = true;
            }
            else if (context.Is(first, "LT"u8))
            {
                lt = true;
            }
            else if (context.Is(first, "CH"u8))
            {
                ch = true;
            }
            else if (context.Is(first, "INCR"u8))
            {
                incr = true;
            }
            else
            {
                break;
            }
        }

        int pairs = context.Count - first;
        if (pairs == 0 || pairs % 2 != 0)
        {
            context.SyntaxError();
            return;
        }

        pairs /= 2;
        if (nx && xx)
        {
            context.Reply.Error("ERR XX and NX options at the same time are not compatible"u8);
            return;
        }

        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            context.Reply.Error("ERR GT, LT, and/or NX options at the same time are not compatible"u8);
            return;
        }

        if (incr && pairs > 1)
        {
            context.Reply.Error("ERR INCR option supports a single increment-element pair"u8);
            return;
        }

        // Every score is checked before anything changes, as Redis does.
        for (int i = first; i < context.Count; i += 2)
        {
            if (!ScoreText.TryParse(context[i], out _))
            {
                context.Reply.Error("ERR value is not a valid float"u8);
                return;
            }
        }

        var store = context.Store;
        long added = 0, updated = 0;
        bool processed = false;
        double result = 0;
        lock (store.WriteLock)
        {
            bool exists = store.TryGetSortedSet(context[1], out SortedSetValue set);
            if (!exists && xx)
            {
                ReplyAdd(ref context, incr, processed, result, ch ? added + updated : added);
                return;
            }

            for (int i = first; i < context.Count; i += 2)
            {
                ScoreText.TryParse(context[i], out double score);
                var member = context[i + 1];
                if (exists && set.TryGetScore(member, out double current))
                {
                    if (nx)
                    {
                        continue;
                    }

                    if (incr)
                    {
                        score += current;
                        if (double.IsNaN(score))
                        {
                            context.Reply.Error("ERR resulting score is not a number (NaN)"u8);
                            return;
                        }
                    }

                    if ((gt && score <= current) || (lt && score >= current))
                    {
                        continue;
                    }

                    processed = true;
                    result = score;
                    if (score != current)
                    {
                        store.SortedSetSetLocked(context[1], set, member, score);
                        updated++;
                    }
                }
                else if (!xx)
                {
                    if (!exists)
                    {
                        set = store.GetOrAddSortedSetLocked(context[1]);
                        exists = true;
                    }

                    store.SortedSetSetLocked(context[1], set, member, score);
                    processed = true;
                    result = score;
                    added++;
                }
            }

            if (added + updated > 0)
            {
                store.Notify(KeyspaceEventClass.SortedSet, incr ? "zincr"u8 : "zadd"u8, context[1]);
            }
        }

        ReplyAdd(ref context, incr, processed, result, ch ? added + updated : added);
    }

    private static void ReplyAdd(ref CommandContext context, bool incr, bool processed, double score, long changed)
    {
        if (!incr)
        {
            context.Reply.Integer(changed);
        }
        else if (processed)
        {
            ScoreText.Reply(context.Reply, score);
        }
        else
        {
            context.Reply.Null();
        }
    }

    private static void ZIncrBy(ref CommandContext context)
    {
        if (!ScoreText.TryParse(context[2], out double increment))
        {
            context.Reply.Error("ERR value is not a valid float"u8);
            return;
        }

        var store = context.Store;
        double score;
        lock (store.WriteLock)
        {
            bool exists = store.TryGetSortedSet(context[1], out SortedSetValue set);
            score = exists && set.TryGetScore(context[3], out double current) ? current + increment : increment;
            if (double.IsNaN(score))
            {
                context.Reply.Error("ERR resulting score is not a number (NaN)"u8);
                return;
            }

            // An increment that changes nothing is no write, as in Redis (no event, WATCH untouched).
            if (!exists || !set.TryGetScore(context[3], out double before) || before != score)
            {
                // Journaled as the score it now has, not as the increment: replaying it twice is harmless.
                store.SortedSetSetLocked(context[1], exists ? set : store.GetOrAddSortedSetLocked(context[1]), context[3], score);
                store.Notify(KeyspaceEventClass.SortedSet, "zincr"u8, context[1]);
            }
        }

        ScoreText.Reply(context.Reply, score);
    }

    private static void ZRem(ref CommandContext context)
    {
        var store = context.Store;
        long removed = 0;
        lock (store.WriteLock)
        {
            if (store.TryGetSortedSet(context[1], out SortedSetValue set))
            {
                for (int i = 2; i < context.Count && set.Count > 0; i++)
                {
                    removed += store.SortedSetRemoveLocked(context[1], set, context[i]) ? 1 : 0;
                }

                store.NotifySortedSetRemoval(context[1], removed, "zrem"u8);
            }
        }

        context.Reply.Integer(removed);
    }

    private static void ZScore(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetSortedSet(context[1], out SortedSetValue set);
            context.CountLookup(hit);
            if (hit && set.TryGetScore(context[2], out double score))
            {
                ScoreText.Reply(context.Reply, score);
            }
            else
            {
                context.Reply.Null();
            }
        }
    }

    private static void ZMScore(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetSortedSet(context[1], out SortedSetValue set);
            context.CountLookup(hit);
            context.Reply.ArrayHeader(context.Count - 2);
            for (int i = 2; i < context.Count; i++)
            {
                if (hit && set.TryGetScore(context[i], out double score))
                {
                    ScoreText.Reply(context.Reply, score);
                }
                else
                {
                    context.Reply.Null();
                }
            }
        }
    }

    private static void ZCard(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            context.Reply.Integer(store.TryGetSortedSet(context[1], out SortedSetValue set) ? set.Count : 0);
        }
    }

    private static void ZRank(ref CommandContext context) => Rank(ref context, reverse: false);

    private static void ZRevRank(ref CommandContext context) => Rank(ref context, reverse: true);

    private static void Rank(ref CommandContext context, bool reverse)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            int rank = store.TryGetSortedSet(context[1], out SortedSetValue set) ? set.RankOf(context[2], reverse) : -1;
            if (rank < 0)
            {
                context.Reply.Null();
            }
            else
            {
                context.Reply.Integer(rank);
            }
        }
    }
}
