namespace NetKit.KeyValue;

/// <summary>
/// SPOP and SRANDMEMBER, with Redis 7.0's replies and its distribution rules: a negative count picks
/// independently (members may repeat), a positive one returns distinct members, the whole set when it asks
/// for as many or more. A random member is one read of the set's dense array, so neither is O(n) per call
/// in the common case. SPOP is journaled as the SREM of each member it popped (as Redis propagates it), so a
/// replay removes exactly those.
/// </summary>
internal static class SetRandomCommands
{
    /// <summary>The most members one SRANDMEMBER with a negative count returns (repeats allowed), as HRANDFIELD's.</summary>
    private const long MaxRandomPicks = 1_000_000;

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("spop", -2, CommandFlags.Write | CommandFlags.Fast, SPop, "set", "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", 1, 1, 1));
        table.Add(new CommandSpec("srandmember", -2, CommandFlags.ReadOnly, SRandMember, "set", "Get one or multiple random members from a set", 1, 1, 1));
    }

    private static void SPop(ref CommandContext context)
    {
        var reply = context.Reply;
        if (context.Count > 3)
        {
            context.SyntaxError();
            return;
        }

        long count = 1;
        if (context.Count == 3 && (!CommandContext.TryParseInteger(context[2], out count) || count < 0))
        {
            reply.Error("ERR value is out of range, must be positive"u8);
            return;
        }

        var store = context.Store;
        Span<byte> scratch = stackalloc byte[SetValue.MaxIntegerLength];
        lock (store.WriteLock)
        {
            if (!store.TryGetSet(context[1], out SetValue set))
            {
                if (context.Count == 3)
                {
                    reply.SetHeader(0);
                }
                else
                {
                    reply.Null();
                }

                return;
            }

            if (context.Count == 2)
            {
                var member = set.MemberAt(Random.Shared.Next(set.Count), scratch);
                reply.Bulk(member);
                store.SetRemoveLocked(context[1], set, member);
                SetCommands.NotifyRemoved(store, "spop"u8, context[1], set, removed: true);
                return;
            }

            if (count == 0)
            {
                reply.SetHeader(0);
                return;
            }

            store.Notify(KeyspaceEventClass.Set, "spop"u8, context[1]);
            if (count >= set.Count)
            {
                // The whole set: one DEL in the log rather than a record per member, as Redis propagates it.
                SetCommands.WriteMembers(reply, set);
                store.RemoveLocked(context[1]);
                store.Notify(KeyspaceEventClass.Generic, "del"u8, context[1]);
                return;
            }

            reply.SetHeader((int)count);
            for (long i = 0; i < count; i++)
            {
                // A hashtable's member array outlives its removal (stored arrays are never changed), so the
                // span stays good for the reply and the record.
                var member = set.MemberAt(Random.Shared.Next(set.Count), scratch);
                reply.Bulk(member);
                store.SetRemoveLocked(context[1], set, member);
            }
        }
    }

    private static void SRandMember(ref CommandContext context)
    {
        var reply = context.Reply;
        if (context.Count > 3)
        {
            context.SyntaxError();
            return;
        }

        var store = context.Store;
        if (context.Count == 2)
        {
            lock (store.WriteLock)
            {
                if (store.TryGetSet(context[1], out SetValue one))
                {
                    one.WriteMember(reply, Random.Shared.Next(one.Count));
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

        // Every pick is written before the reply leaves, so a huge negative count would take memory without
        // limit (Redis tries, and runs out): refused past a bound.
        if (count < -MaxRandomPicks)
        {
            reply.Error("ERR value is out of range"u8);
            return;
        }

        lock (store.WriteLock)
        {
            if (!store.TryGetSet(context[1], out SetValue set) || count == 0)
            {
                reply.ArrayHeader(0);
                return;
            }

            if (count < 0)
            {
                reply.ArrayHeader((int)-count);
                for (long i = 0; i < -count; i++)
                {
                    set.WriteMember(reply, Random.Shared.Next(set.Count));
                }
            }
            else if (count >= set.Count)
            {
                SetCommands.WriteMembers(reply, set, asArray: true);
            }
            else
            {
                WriteDistinct(reply, set, (int)count);
            }
        }
    }

    /// <summary>
    /// <paramref name="count"/> distinct members, fewer than the set holds. As in Redis, a count close to the
    /// size shuffles the whole set (picking at random would retry more and more often), a small one picks at
    /// random until it has enough; both O(count) reads and at most O(size) work.
    /// </summary>
    private static void WriteDistinct(ReplyWriter reply, SetValue set, int count)
    {
        reply.ArrayHeader(count);
        if ((long)count * 3 > set.Count)
        {
            var order = new int[set.Count];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            // A Fisher-Yates shuffle stopped after count steps: the first count slots are a uniform pick.
            for (int i = 0; i < count; i++)
            {
                int j = Random.Shared.Next(i, order.Length);
                (order[i], order[j]) = (order[j], order[i]);
                set.WriteMember(reply, order[i]);
            }

            return;
        }

        var chosen = new HashSet<int>(count);
        while (chosen.Count < count)
        {
            int index = Random.Shared.Next(set.Count);
            if (chosen.Add(index))
            {
                set.WriteMember(reply, index);
            }
        }
    }
}
