using System.Buffers.Text;

namespace NetKit.KeyValue;

/// <summary>
/// Commands on sets (SADD, SREM, SISMEMBER, SMEMBERS, SMOVE, SSCAN...), with Redis 7.0's replies and errors;
/// the random ones are <see cref="SetRandomCommands"/>, the algebra (SINTER, SUNION, SDIFF) <see cref="SetAlgebraCommands"/>.
/// A set is changed in place, so these read it under the write lock too; a key of another type gets
/// WRONGTYPE from the store's typed lookup.
/// </summary>
internal static class SetCommands
{
    private const CommandFlags Read = CommandFlags.ReadOnly;
    private const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;
    private const CommandFlags GrowFast = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
    private const CommandFlags WriteFast = CommandFlags.Write | CommandFlags.Fast;

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("sadd", -3, GrowFast, SAdd, "set", "Adds one or more members to a set. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("srem", -3, WriteFast, SRem, "set", "Removes one or more members from a set. Deletes the set if the last member was removed.", 1, 1, 1));
        table.Add(new CommandSpec("sismember", 3, ReadFast, SIsMember, "set", "Determines whether a member belongs to a set.", 1, 1, 1));
        table.Add(new CommandSpec("smismember", -3, ReadFast, SMIsMember, "set", "Determines whether multiple members belong to a set.", 1, 1, 1));
        table.Add(new CommandSpec("smembers", 2, Read, SMembers, "set", "Returns all members of a set.", 1, 1, 1));
        table.Add(new CommandSpec("scard", 2, ReadFast, SCard, "set", "Returns the number of members in a set.", 1, 1, 1));
        table.Add(new CommandSpec("smove", 4, WriteFast, SMove, "set", "Moves a member from one set to another.", 1, 2, 1));
        table.Add(new CommandSpec("sscan", -3, Read, SScan, "set", "Iterates over members of a set.", 1, 1, 1));
        SetRandomCommands.Register(table);
        SetAlgebraCommands.Register(table);
    }

    /// <summary>Writes every member of <paramref name="set"/> (none for null): a RESP3 set, as Redis answers
    /// SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count, or (<paramref name="asArray"/>) an array, as SRANDMEMBER.</summary>
    internal static void WriteMembers(ReplyWriter reply, SetValue? set, bool asArray = false)
    {
        if (asArray)
        {
            reply.ArrayHeader(set?.Count ?? 0);
        }
        else
        {
            reply.SetHeader(set?.Count ?? 0);
        }

        for (int i = 0; i < (set?.Count ?? 0); i++)
        {
            set!.WriteMember(reply, i);
        }
    }

    /// <summary>Redis's events after members left a set: <paramref name="eventName"/>, then "del" when the set is
    /// gone with its last member.</summary>
    internal static void NotifyRemoved(KeyValueStore store, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key, SetValue set, bool removed)
    {
        if (removed)
        {
            store.Notify(KeyspaceEventClass.Set, eventName, key);
        }

        if (set.Count == 0)
        {
            store.Notify(KeyspaceEventClass.Generic, "del"u8, key);
        }
    }

    private static void SAdd(ref CommandContext context)
    {
        var store = context.Store;
        long added = 0;
        lock (store.WriteLock)
        {
            var set = store.GetOrAddSetLocked(context[1]);
            for (int i = 2; i < context.Count; i++)
            {
                added += store.SetAddLocked(context[1], set, context[i]) ? 1 : 0;
            }

            if (added > 0)
            {
                store.Notify(KeyspaceEventClass.Set, "sadd"u8, context[1]);
            }
        }

        context.Reply.Integer(added);
    }

    private static void SRem(ref CommandContext context)
    {
        var store = context.Store;
        long removed = 0;
        lock (store.WriteLock)
        {
            if (store.TryGetSet(context[1], out SetValue set))
            {
                for (int i = 2; i < context.Count && set.Count > 0; i++)
                {
                    removed += store.SetRemoveLocked(context[1], set, context[i]) ? 1 : 0;
                }

                NotifyRemoved(store, "srem"u8, context[1], set, removed > 0);
            }
        }

        context.Reply.Integer(removed);
    }

    private static void SIsMember(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetSet(context[1], out SetValue set);
            context.CountLookup(hit);
            context.Reply.Integer(hit && set.Contains(context[2]) ? 1 : 0);
        }
    }

    private static void SMIsMember(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetSet(context[1], out SetValue set);
            context.CountLookup(hit);
            context.Reply.ArrayHeader(context.Count - 2);
            for (int i = 2; i < context.Count; i++)
            {
                context.Reply.Integer(hit && set.Contains(context[i]) ? 1 : 0);
            }
        }
    }

    private static void SMembers(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetSet(context[1], out SetValue set);
            context.CountLookup(hit);
            WriteMembers(context.Reply, hit ? set : null);
        }
    }

    private static void SCard(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            context.Reply.Integer(store.TryGetSet(context[1], out SetValue set) ? set.Count : 0);
        }
    }

    /// <summary>SMOVE source destination member, as Redis's smoveCommand: both types checked before anything
    /// moves, and the destination is touched only when the member is new there.</summary>
    private static void SMove(ref CommandContext context)
    {
        var store = context.Store;
        var reply = context.Reply;
        lock (store.WriteLock)
        {
            if (!store.TryGetSet(context[1], out SetValue source))
            {
                // Redis answers 0 for a missing source before it looks at the destination's type.
                reply.Integer(0);
                return;
            }

            bool destinationExists = store.TryGetSet(context[2], out SetValue destination);
            if (destinationExists && ReferenceEquals(source, destination))
            {
                reply.Integer(source.Contains(context[3]) ? 1 : 0);
                return;
            }

            if (!store.SetRemoveLocked(context[1], source, context[3]))
            {
                reply.Integer(0);
                return;
            }

            NotifyRemoved(store, "srem"u8, context[1], source, removed: true);
            if (store.SetAddLocked(context[2], destinationExists ? destination : store.GetOrAddSetLocked(context[2]), context[3]))
            {
                store.Notify(KeyspaceEventClass.Set, "sadd"u8, context[2]);
            }
        }

        reply.Integer(1);
    }

    /// <summary>SSCAN key cursor [MATCH pattern] [COUNT count].</summary>
    private static void SScan(ref CommandContext context)
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
            // An intset is returned whole with cursor 0 whatever COUNT says, as Redis does; a hashtable
            // page by page, COUNT members at a time, MATCH applied to each page.
            var matches = new List<byte[]>();
            ulong next = 0;
            if (store.TryGetSet(context[1], out SetValue set))
            {
                if (set.IsIntset)
                {
                    matches.AddRange(set.Members);
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
                        if (GlobPattern.IsMatch(pattern, matches[i]))
                        {
                            matches[kept++] = matches[i];
                        }
                    }

                    matches.RemoveRange(kept, matches.Count - kept);
                }
            }

            reply.ArrayHeader(2);
            reply.Bulk((long)next);
            reply.ArrayHeader(matches.Count);
            foreach (byte[] member in matches)
            {
                reply.Bulk(member);
            }
        }
    }
}
