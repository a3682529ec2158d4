namespace NetKit.KeyValue;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP, as Redis 7.0 runs them: a non-empty sorted set among the keys is popped at
/// once; otherwise the client waits on the keys as a blocking list pop does (<see cref="BlockingListCommands"/>,
/// the same queue, timer and CLIENT UNBLOCK), served in the order clients blocked by the next ZADD, ZINCRBY or
/// Z*STORE to one of them. Inside MULTI/EXEC they answer nil at once.
/// </summary>
internal static class BlockingSortedSetCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("bzpopmin", -3, CommandFlags.Write, BZPopMin, "sorted_set", "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", 1, -2, 1));
        table.Add(new CommandSpec("bzpopmax", -3, CommandFlags.Write, BZPopMax, "sorted_set", "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.", 1, -2, 1));
        table.Add(new CommandSpec("bzmpop", -5, CommandFlags.Write, BZMPop, "sorted_set", "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped."));
    }

    private static void BZPopMin(ref CommandContext context) => BlockingPop(ref context, max: false);

    private static void BZPopMax(ref CommandContext context) => BlockingPop(ref context, max: true);

    private static void BlockingPop(ref CommandContext context, bool max)
    {
        if (!BlockingListCommands.TryTimeout(ref context, context.Count - 1, out long timeoutMs))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            for (int i = 1; i < context.Count - 1; i++)
            {
                if (store.TryGetSortedSet(context[i], out SortedSetValue set))
                {
                    var (member, score) = SortedSetCommands.PopLocked(store, context[i], set, max, 1)[0];
                    context.Reply.ArrayHeader(3);
                    context.Reply.Bulk(context[i]);
                    SortedSetCommands.WriteMember(context.Reply, member, score, withScore: true, pair: false);
                    return;
                }
            }

            if (BlockingListCommands.CannotBlock(ref context))
            {
                context.Reply.NullArray();
                return;
            }

            Wait(ref context, max, count: 1, many: false, firstKey: 1, keyCount: context.Count - 2, timeoutMs);
        }
    }

    /// <summary>BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count].</summary>
    private static void BZMPop(ref CommandContext context)
    {
        if (!BlockingListCommands.TryTimeout(ref context, 1, out long timeoutMs)
            || !SortedSetCommands.TryParseMPop(ref context, 2, out int keyCount, out bool max, out long count))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (SortedSetCommands.TryMPopLocked(ref context, 3, keyCount, max, count))
            {
                return;
            }

            if (BlockingListCommands.CannotBlock(ref context))
            {
                context.Reply.NullArray();
                return;
            }

            Wait(ref context, max, count, many: true, firstKey: 3, keyCount, timeoutMs);
        }
    }

    private static void Wait(ref CommandContext context, bool max, long count, bool many, int firstKey, int keyCount, long timeoutMs)
    {
        var client = context.Session.BlockedList;
        client.SortedSet = true;
        client.FromHead = !max;
        client.Destination = null;
        client.Count = count;
        client.ManyReply = many;
        client.ServedScores.Clear();
        BlockingListCommands.Block(ref context, client, firstKey, keyCount, timeoutMs);
    }
}
