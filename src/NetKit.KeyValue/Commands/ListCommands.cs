namespace NetKit.KeyValue;

/// <summary>
/// Commands on lists (LPUSH, RPOP, LRANGE, LINSERT, LPOS...), with Redis 7.0's replies and errors. A list is
/// changed in place, so these read it under the write lock too; a key of another type gets WRONGTYPE from the
/// store's typed lookup. The moves and LMPOP are in <see cref="ListMoveCommands"/>, the blocking forms in
/// <see cref="BlockingListCommands"/>.
/// </summary>
internal static class ListCommands
{
    private const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;
    private const CommandFlags GrowFast = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
    private const CommandFlags WriteFast = CommandFlags.Write | CommandFlags.Fast;

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("lpush", -3, GrowFast, LPush, "list", "Prepends one or more elements to a list. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("rpush", -3, GrowFast, RPush, "list", "Appends one or more elements to a list. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("lpushx", -3, GrowFast, LPushX, "list", "Prepends one or more elements to a list only when the list exists.", 1, 1, 1));
        table.Add(new CommandSpec("rpushx", -3, GrowFast, RPushX, "list", "Appends an element to a list only when the list exists.", 1, 1, 1));
        table.Add(new CommandSpec("lpop", -2, WriteFast, LPop, "list", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", 1, 1, 1));
        table.Add(new CommandSpec("rpop", -2, WriteFast, RPop, "list", "Returns and removes the last elements of a list. Deletes the list if the last element was popped.", 1, 1, 1));
        table.Add(new CommandSpec("llen", 2, ReadFast, LLen, "list", "Returns the length of a list.", 1, 1, 1));
        table.Add(new CommandSpec("lrange", 4, CommandFlags.ReadOnly, LRange, "list", "Returns a range of elements from a list.", 1, 1, 1));
        table.Add(new CommandSpec("lindex", 3, CommandFlags.ReadOnly, LIndex, "list", "Returns an element from a list by its index.", 1, 1, 1));
        table.Add(new CommandSpec("lset", 4, CommandFlags.Write | CommandFlags.DenyOom, LSet, "list", "Sets the value of an element in a list by its index.", 1, 1, 1));
        table.Add(new CommandSpec("lrem", 4, CommandFlags.Write, LRem, "list", "Removes elements from a list. Deletes the list if the last element was removed.", 1, 1, 1));
        table.Add(new CommandSpec("ltrim", 4, CommandFlags.Write, LTrim, "list", "Removes elements from both ends a list. Deletes the list if all elements were trimmed.", 1, 1, 1));
        table.Add(new CommandSpec("linsert", 5, CommandFlags.Write | CommandFlags.DenyOom, LInsert, "list", "Inserts an element before or after another element in a list.", 1, 1, 1));
        table.Add(new CommandSpec("lpos", -3, CommandFlags.ReadOnly, LPos, "list", "Returns the index of matching elements in a list.", 1, 1, 1));
        ListMoveCommands.Register(table);
        BlockingListCommands.Register(table);
    }

    private static void LPush(ref CommandContext context) => Push(ref context, head: true, onlyIfExists: false);

    private static void RPush(ref CommandContext context) => Push(ref context, head: false, onlyIfExists: false);

    private static void LPushX(ref CommandContext context) => Push(ref context, head: true, onlyIfExists: true);

    private static void RPushX(ref CommandContext context) => Push(ref context, head: false, onlyIfExists: true);

    private static void Push(ref CommandContext context, bool head, bool onlyIfExists)
    {
        var store = context.Store;
        var key = context[1];
        int length;
        lock (store.WriteLock)
        {
            ListValue list;
            if (onlyIfExists)
            {
                if (!store.TryGetList(key, out list))
                {
                    context.Reply.Integer(0);
                    return;
                }
            }
            else
            {
                list = store.GetOrAddListLocked(key);
            }

            for (int i = 2; i < context.Count; i++)
            {
                store.ListPushLocked(key, list, head, context[i], notify: i == context.Count - 1);
            }

            length = list.Count;
        }

        context.Reply.Integer(length);
    }

    private static void LPop(ref CommandContext context) => Pop(ref context, head: true);

    private static void RPop(ref CommandContext context) => Pop(ref context, head: false);

    private static void Pop(ref CommandContext context, bool head)
    {
        if (context.Count > 3)
        {
            context.WrongArity();
            return;
        }

        long count = -1;
        if (context.Count == 3 && !TryNonNegative(ref context, 2, "ERR value is out of range, must be positive"u8, out count))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (!store.TryGetList(context[1], out ListValue list))
            {
                if (count < 0)
                {
                    context.Reply.Null();
                }
                else
                {
                    context.Reply.NullArray();
                }

                return;
            }

            if (count < 0)
            {
                context.Reply.Bulk(store.ListPopOneLocked(context[1], list, head));
                return;
            }

            var popped = new List<byte[]>((int)Math.Min(count, list.Count));
            if (count > 0)
            {
                store.ListPopLocked(context[1], list, head, count, popped);
            }

            WriteArray(context.Reply, popped);
        }
    }

    private static void LLen(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            context.Reply.Integer(store.TryGetList(context[1], out ListValue list) ? list.Count : 0);
        }
    }

    private static void LRange(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long start) || !context.TryInteger(3, out long stop))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetList(context[1], out ListValue list);
            context.CountLookup(hit);
            if (!hit || !ListValue.ClampRange(start, stop, list.Count, out int from, out int to))
            {
                context.Reply.ArrayHeader(0);
                return;
            }

            context.Reply.ArrayHeader(to - from + 1);
            for (int i = from; i <= to; i++)
            {
                context.Reply.Bulk(list[i]);
            }
        }
    }

    private static void LIndex(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long index))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetList(context[1], out ListValue list);
            context.CountLookup(hit);
            if (hit && list.TryResolve(index, out int position))
            {
                context.Reply.Bulk(list[position]);
            }
            else
            {
                context.Reply.Null();
            }
        }
    }

    private static void LSet(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long index))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (!store.TryGetList(context[1], out ListValue list))
            {
                context.Reply.Error("ERR no such key"u8);
                return;
            }

            if (!list.TryResolve(index, out int position))
            {
                context.Reply.Error("ERR index out of range"u8);
                return;
            }

            store.ListSetLocked(context[1], list, position, context[3]);
        }

        context.Reply.Ok();
    }

    private static void LRem(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long count))
        {
            return;
        }

        var store = context.Store;
        int removed = 0;
        lock (store.WriteLock)
        {
            if (store.TryGetList(context[1], out ListValue list))
            {
                removed = store.ListRemoveLocked(context[1], list, count, context[3]);
            }
        }

        context.Reply.Integer(removed);
    }

    private static void LTrim(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long start) || !context.TryInteger(3, out long stop))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (store.TryGetList(context[1], out ListValue list))
            {
                ListValue.ClampRange(start, stop, list.Count, out int from, out int to);
                store.ListTrimLocked(context[1], list, from, to);
            }
        }

        context.Reply.Ok();
    }

    private static void LInsert(ref CommandContext context)
    {
        bool before;
        if (context.Is(2, "BEFORE"u8))
        {
            before = true;
        }
        else if (context.Is(2, "AFTER"u8))
        {
            before = false;
        }
        else
        {
            context.SyntaxError();
            return;
        }

        var store = context.Store;
        long reply;
        lock (store.WriteLock)
        {
            if (!store.TryGetList(context[1], out ListValue list))
            {
                reply = 0;
            }
            else
            {
                reply = store.ListInsertLocked(context[1], list, before, context[3], context[4]) ? list.Count : -1;
            }
        }

        context.Reply.Integer(reply);
    }

    private static void LPos(ref CommandContext context)
    {
        long rank = 1;
        long count = -1;
        long maxLength = 0;
        for (int i = 3; i < context.Count; i++)
        {
            bool more = i + 1 < context.Count;
            if (context.Is(i, "RANK"u8) && more)
            {
                i++;
                if (!context.TryInteger(i, out rank))
                {
                    return;
                }

                if (rank == 0)
                {
                    context.Reply.Error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"u8);
                    return;
                }
            }
            else if (context.Is(i, "COUNT"u8) && more)
            {
                if (!TryNonNegative(ref context, ++i, "ERR COUNT can't be negative"u8, out count))
                {
                    return;
                }
            }
            else if (context.Is(i, "MAXLEN"u8) && more)
            {
                if (!TryNonNegative(ref context, ++i, "ERR MAXLEN can't be negative"u8, out maxLength))
                {
                    return;
                }
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (!store.TryGetList(context[1], out ListValue list))
            {
                WriteNoMatch(context.Reply, count);
                return;
            }

            bool fromTail = rank < 0;
            // Redis 7.0 negates the rank in 64 bits: the most negative one stays negative and takes the first match.
            long skip = rank == long.MinValue ? 0 : Math.Abs(rank) - 1;
            var found = new List<long>();
            long limit = count < 0 ? 1 : count;
            var element = context[2];
            for (long n = 0; n < list.Count && (maxLength == 0 || n < maxLength); n++)
            {
                int position = (int)(fromTail ? list.Count - 1 - n : n);
                if (!list[position].AsSpan().SequenceEqual(element))
                {
                    continue;
                }

                if (skip > 0)
                {
                    skip--;
                    continue;
                }

                found.Add(position);
                if (limit != 0 && found.Count >= limit)
                {
                    break;
                }
            }

            if (count < 0)
            {
                if (found.Count == 0)
                {
                    context.Reply.Null();
                }
                else
                {
                    context.Reply.Integer(found[0]);
                }

                return;
            }

            context.Reply.ArrayHeader(found.Count);
            foreach (long position in found)
            {
                context.Reply.Integer(position);
            }
        }
    }

    private static void WriteNoMatch(ReplyWriter reply, long count)
    {
        if (count < 0)
        {
            reply.Null();
        }
        else
        {
            reply.ArrayHeader(0);
        }
    }

    /// <summary>Redis's getPositiveLongFromObjectOrReply: one error, <paramref name="error"/>, for anything but 0 or more.</summary>
    internal static bool TryNonNegative(ref CommandContext context, int index, ReadOnlySpan<byte> error, out long value)
    {
        if (CommandContext.TryParseInteger(context[index], out value) && value >= 0)
        {
            return true;
        }

        context.Reply.Error(error);
        return false;
    }

    internal static void WriteArray(ReplyWriter reply, List<byte[]> elements)
    {
        reply.ArrayHeader(elements.Count);
        foreach (var element in elements)
        {
            reply.Bulk(element);
        }
    }
}
