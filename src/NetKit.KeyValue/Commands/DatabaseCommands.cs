namespace NetKit.KeyValue;

/// <summary>Commands across the numbered databases: MOVE, SWAPDB, COPY (SELECT is a connection command).</summary>
internal static class DatabaseCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("move", 3, CommandFlags.Write | CommandFlags.Fast, Move, "generic", "Moves a key to another database.", 1, 1, 1));
        table.Add(new CommandSpec("swapdb", 3, CommandFlags.Write | CommandFlags.Fast, SwapDb, "server", "Swaps two Redis databases."));
        table.Add(new CommandSpec("copy", -3, CommandFlags.Write | CommandFlags.DenyOom, Copy, "generic", "Copies the value of a key to a new key.", 1, 2, 1));
    }

    /// <summary>SELECT's number: Redis's errors for one that is not a number or not a database.</summary>
    internal static bool TryDatabaseIndex(ref CommandContext context, int argument, out int index)
    {
        index = 0;
        if (!context.TryInteger(argument, out long value))
        {
            return false;
        }

        if (value < 0 || value >= context.Database.DatabaseCount)
        {
            context.Reply.Error("ERR DB index is out of range"u8);
            return false;
        }

        index = (int)value;
        return true;
    }

    /// <summary>SELECT: the rest of this connection's commands work on database <c>index</c>.</summary>
    internal static void Select(ref CommandContext context)
    {
        if (TryDatabaseIndex(ref context, 1, out int index))
        {
            context.Session.DatabaseIndex = index;
            context.Reply.Ok();
        }
    }

    private static void Move(ref CommandContext context)
    {
        if (!TryDatabaseIndex(ref context, 2, out int target))
        {
            return;
        }

        var source = context.Store;
        if (source.Index == target)
        {
            context.Reply.Error("ERR source and destination objects are the same"u8);
            return;
        }

        var destination = context.Database.StoreAt(target);
        lock (source.WriteLock)
        {
            if (!source.TryGetValue(context[1], out object value, out long expiresAtMs) || destination.ContainsKey(context[1]))
            {
                context.Reply.Integer(0);
                return;
            }

            var form = source.Access.FormOf(context[1]);
            source.RemoveLocked(context[1]);
            destination.PutLocked(context[1], value, expiresAtMs, form);
            source.Notify(KeyspaceEventClass.Generic, "move_from"u8, context[1]);
            destination.Notify(KeyspaceEventClass.Generic, "move_to"u8, context[1]);
        }

        context.Reply.Integer(1);
    }

    private static void SwapDb(ref CommandContext context)
    {
        int count = context.Database.DatabaseCount;
        if (!CommandContext.TryParseInteger(context[1], out long first))
        {
            context.Reply.Error("ERR invalid first DB index"u8);
            return;
        }

        if (!CommandContext.TryParseInteger(context[2], out long second))
        {
            context.Reply.Error("ERR invalid second DB index"u8);
            return;
        }

        if (first < 0 || first >= count || second < 0 || second >= count)
        {
            context.Reply.Error("ERR DB index is out of range"u8);
            return;
        }

        if (first != second)
        {
            var databases = context.Store.Databases;
            lock (databases.WriteLock)
            {
                databases.BeginExclusiveLocked();
                try
                {
                    databases.SwapLocked((int)first, (int)second);
                }
                finally
                {
                    databases.EndExclusiveLocked();
                }
            }
        }

        context.Reply.Ok();
    }

    private static void Copy(ref CommandContext context)
    {
        var destination = context.Store;
        bool replace = false;
        for (int i = 3; i < context.Count; i++)
        {
            if (context.Is(i, "REPLACE"u8))
            {
                replace = true;
            }
            else if (context.Is(i, "DB"u8) && i + 1 < context.Count)
            {
                if (!TryDatabaseIndex(ref context, ++i, out int index))
                {
                    return;
                }

                destination = context.Database.StoreAt(index);
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }

        var source = context.Store;
        if (source.Index == destination.Index && context[1].SequenceEqual(context[2]))
        {
            context.Reply.Error("ERR source and destination objects are the same"u8);
            return;
        }

        lock (source.WriteLock)
        {
            if (!source.TryGetValue(context[1], out object value, out long expiresAtMs)
                || (!replace && destination.ContainsKey(context[2])))
            {
                context.Reply.Integer(0);
                return;
            }

            // Strings are never changed in place, so both keys may share one; other types are copied.
            object copy = value switch
            {
                HashValue hash => hash.Clone(),
                SetValue set => set.Clone(),
                ListValue list => list.Clone(),
                SortedSetValue sortedSet => sortedSet.Clone(),
                _ => value,
            };
            destination.PutLocked(context[2], copy, expiresAtMs, source.Access.FormOf(context[1]));
            destination.Notify(KeyspaceEventClass.Generic, "copy_to"u8, context[2]);
        }

        context.Reply.Integer(1);
    }
}
