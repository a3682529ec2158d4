namespace NetKit.KeyValue;

/// <summary>LMOVE, RPOPLPUSH and LMPOP, with Redis 7.0's argument checks in its order; their blocking forms
/// share the parsing (see <see cref="BlockingListCommands"/>).</summary>
internal static class ListMoveCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("lmove", 5, CommandFlags.Write | CommandFlags.DenyOom, LMove, "list", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.", 1, 2, 1));
        table.Add(new CommandSpec("rpoplpush", 3, CommandFlags.Write | CommandFlags.DenyOom, RPopLPush, "list", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.", 1, 2, 1));
        table.Add(new CommandSpec("lmpop", -4, CommandFlags.Write, LMPop, "list", "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped."));
    }

    /// <summary>LEFT or RIGHT (any case); otherwise a syntax error is replied.</summary>
    public static bool TryEnd(ref CommandContext context, int index, out bool head)
    {
        head = context.Is(index, "LEFT"u8);
        if (head || context.Is(index, "RIGHT"u8))
        {
            return true;
        }

        context.SyntaxError();
        return false;
    }

    private static void LMove(ref CommandContext context)
    {
        if (TryEnd(ref context, 3, out bool fromHead) && TryEnd(ref context, 4, out bool toHead))
        {
            Move(ref context, fromHead, toHead);
        }
    }

    private static void RPopLPush(ref CommandContext context) => Move(ref context, fromHead: false, toHead: true);

    /// <summary>The move itself, replied: the element, or nil when the source is missing.</summary>
    public static void Move(ref CommandContext context, bool fromHead, bool toHead)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            if (TryMoveLocked(store, context[1], context[2], fromHead, toHead, out byte[] element))
            {
                context.Reply.Bulk(element);
            }
            else
            {
                context.Reply.Null();
            }
        }
    }

    /// <summary>False when the source is missing; the destination's type is checked only when there is
    /// something to move, as Redis does.</summary>
    /// <exception cref="WrongTypeException">Either key holds another type.</exception>
    public static bool TryMoveLocked(KeyValueStore store, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination,
        bool fromHead, bool toHead, out byte[] element)
    {
        element = [];
        if (!store.TryGetList(source, out ListValue from))
        {
            return false;
        }

        element = store.ListMoveLocked(source, from, fromHead, destination, toHead);
        return true;
    }

    private static void LMPop(ref CommandContext context)
    {
        if (TryParseMPop(ref context, 1, out int keyCount, out bool head, out long count))
        {
            var store = context.Store;
            lock (store.WriteLock)
            {
                if (!TryMPopLocked(ref context, 2, keyCount, head, count))
                {
                    context.Reply.NullArray();
                }
            }
        }
    }

    /// <summary>LMPOP's and BLMPOP's "numkeys key... LEFT|RIGHT [COUNT count]" from <paramref name="numKeysAt"/>.</summary>
    public static bool TryParseMPop(ref CommandContext context, int numKeysAt, out int keyCount, out bool head, out long count)
    {
        keyCount = 0;
        head = false;
        count = 1;
        if (!CommandContext.TryParseInteger(context[numKeysAt], out long numKeys) || numKeys < 1)
        {
            context.Reply.Error("ERR numkeys should be greater than 0"u8);
            return false;
        }

        long endAt = numKeysAt + numKeys + 1;
        if (endAt >= context.Count)
        {
            context.SyntaxError();
            return false;
        }

        keyCount = (int)numKeys;
        if (!TryEnd(ref context, (int)endAt, out head))
        {
            return false;
        }

        bool counted = false;
        for (int i = (int)endAt + 1; i < context.Count; i++)
        {
            if (!counted && context.Is(i, "COUNT"u8) && i + 1 < context.Count)
            {
                counted = true;
                if (!CommandContext.TryParseInteger(context[++i], out count) || count < 1)
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

        return true;
    }

    /// <summary>Pops from the first non-empty list of the keys from <paramref name="firstKey"/> and replies
    /// [key, [elements]]; false, with nothing replied, when they are all missing.</summary>
    /// <exception cref="WrongTypeException">A key met before a list holds another type.</exception>
    public static bool TryMPopLocked(ref CommandContext context, int firstKey, int keyCount, bool head, long count)
    {
        var store = context.Store;
        for (int i = firstKey; i < firstKey + keyCount; i++)
        {
            if (store.TryGetList(context[i], out ListValue list))
            {
                var popped = new List<byte[]>((int)Math.Min(count, list.Count));
                store.ListPopLocked(context[i], list, head, count, popped);
                context.Reply.ArrayHeader(2);
                context.Reply.Bulk(context[i]);
                ListCommands.WriteArray(context.Reply, popped);
                return true;
            }
        }

        return false;
    }
}
