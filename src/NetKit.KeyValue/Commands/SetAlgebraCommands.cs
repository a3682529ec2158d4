namespace NetKit.KeyValue;

/// <summary>
/// SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD, as Redis 7.0's t_set.c: every key is looked up
/// (and its type checked) before any work, a missing key is an empty set, and a result is built as a new set
/// whose encoding follows from its members (an intset while they are few integers), so SUNION and SDIFF of
/// intsets answer in ascending order as Redis does. A STORE of an empty result deletes the destination.
/// </summary>
internal static class SetAlgebraCommands
{
    private enum Operation
    {
        Inter,
        Union,
        Diff,
    }

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("sinter", -2, CommandFlags.ReadOnly, SInter, "set", "Returns the intersect of multiple sets.", 1, -1, 1));
        table.Add(new CommandSpec("sunion", -2, CommandFlags.ReadOnly, SUnion, "set", "Returns the union of multiple sets.", 1, -1, 1));
        table.Add(new CommandSpec("sdiff", -2, CommandFlags.ReadOnly, SDiff, "set", "Returns the difference of multiple sets.", 1, -1, 1));
        table.Add(new CommandSpec("sinterstore", -3, CommandFlags.Write | CommandFlags.DenyOom, SInterStore, "set", "Stores the intersect of multiple sets in a key.", 1, -1, 1));
        table.Add(new CommandSpec("sunionstore", -3, CommandFlags.Write | CommandFlags.DenyOom, SUnionStore, "set", "Stores the union of multiple sets in a key.", 1, -1, 1));
        table.Add(new CommandSpec("sdiffstore", -3, CommandFlags.Write | CommandFlags.DenyOom, SDiffStore, "set", "Stores the difference of multiple sets in a key.", 1, -1, 1));
        table.Add(new CommandSpec("sintercard", -3, CommandFlags.ReadOnly, SInterCard, "set", "Returns the number of members of the intersect of multiple sets.", 0, 0, 0));
    }

    private static void SInter(ref CommandContext context) => Reply(ref context, Operation.Inter);

    private static void SUnion(ref CommandContext context) => Reply(ref context, Operation.Union);

    private static void SDiff(ref CommandContext context) => Reply(ref context, Operation.Diff);

    private static void SInterStore(ref CommandContext context) => Store(ref context, Operation.Inter, "sinterstore"u8);

    private static void SUnionStore(ref CommandContext context) => Store(ref context, Operation.Union, "sunionstore"u8);

    private static void SDiffStore(ref CommandContext context) => Store(ref context, Operation.Diff, "sdiffstore"u8);

    private static void Reply(ref CommandContext context, Operation operation)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            var sets = Lookup(ref context, store, 1, context.Count);
            SetCommands.WriteMembers(context.Reply, Compute(operation, sets, store.Databases.SetMaxIntsetEntries));
        }
    }

    private static void Store(ref CommandContext context, Operation operation, ReadOnlySpan<byte> eventName)
    {
        var store = context.Store;
        long count;
        lock (store.WriteLock)
        {
            var sets = Lookup(ref context, store, 2, context.Count);
            var result = Compute(operation, sets, store.Databases.SetMaxIntsetEntries);
            if (result is null || result.Count == 0)
            {
                if (store.RemoveLocked(context[1]))
                {
                    store.Notify(KeyspaceEventClass.Generic, "del"u8, context[1]);
                }

                count = 0;
            }
            else
            {
                store.PutLocked(context[1], result, expiresAtMs: 0);
                store.Notify(KeyspaceEventClass.Set, eventName, context[1]);
                count = result.Count;
            }
        }

        context.Reply.Integer(count);
    }

    /// <summary>SINTERCARD numkeys key [key ...] [LIMIT limit]: the size of the intersection, counting stopped at
    /// a nonzero limit.</summary>
    private static void SInterCard(ref CommandContext context)
    {
        var reply = context.Reply;
        if (!CommandContext.TryParseInteger(context[1], out long keys) || keys < 1)
        {
            reply.Error("ERR numkeys should be greater than 0"u8);
            return;
        }

        if (keys > context.Count - 2)
        {
            reply.Error("ERR Number of keys can't be greater than number of args"u8);
            return;
        }

        long limit = 0;
        for (int i = 2 + (int)keys; i < context.Count; i += 2)
        {
            if (!context.Is(i, "LIMIT"u8) || i + 1 >= context.Count)
            {
                context.SyntaxError();
                return;
            }

            if (!CommandContext.TryParseInteger(context[i + 1], out limit) || limit < 0)
            {
                reply.Error("ERR LIMIT can't be negative"u8);
                return;
            }
        }

        var store = context.Store;
        long found = 0;
        lock (store.WriteLock)
        {
            var sets = Lookup(ref context, store, 2, 2 + (int)keys);
            if (Array.IndexOf(sets, null) < 0)
            {
                Array.Sort(sets, static (a, b) => a!.Count.CompareTo(b!.Count));
                Span<byte> scratch = stackalloc byte[SetValue.MaxIntegerLength];
                var smallest = sets[0]!;
                for (int i = 0; i < smallest.Count && (limit == 0 || found < limit); i++)
                {
                    found += InAllOthers(sets, smallest.MemberAt(i, scratch)) ? 1 : 0;
                }
            }
        }

        reply.Integer(found);
    }

    /// <summary>The sets at arguments <paramref name="from"/> to <paramref name="to"/> - 1, null for a missing key.</summary>
    /// <exception cref="WrongTypeException">One of the keys holds another type.</exception>
    private static SetValue?[] Lookup(ref CommandContext context, KeyValueStore store, int from, int to)
    {
        var sets = new SetValue?[to - from];
        for (int i = from; i < to; i++)
        {
            sets[i - from] = store.TryGetSet(context[i], out SetValue set) ? set : null;
        }

        return sets;
    }

    /// <summary>The result as a new set, or null when it is empty.</summary>
    private static SetValue? Compute(Operation operation, SetValue?[] sets, long maxIntsetEntries)
    {
        Span<byte> scratch = stackalloc byte[SetValue.MaxIntegerLength];
        var result = new SetValue();
        switch (operation)
        {
            case Operation.Inter:
                if (Array.IndexOf(sets, null) >= 0)
                {
                    return null;
                }

                // As Redis: walk the smallest set, look each member up in the others.
                Array.Sort(sets, static (a, b) => a!.Count.CompareTo(b!.Count));
                var smallest = sets[0]!;
                for (int i = 0; i < smallest.Count; i++)
                {
                    var member = smallest.MemberAt(i, scratch);
                    if (InAllOthers(sets, member))
                    {
                        result.Add(member, maxIntsetEntries, out _);
                    }
                }

                break;
            case Operation.Union:
                foreach (var set in sets)
                {
                    AddAll(result, set, maxIntsetEntries, scratch);
                }

                break;
            case Operation.Diff:
                Diff(result, sets, maxIntsetEntries, scratch);
                break;
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>
    /// Redis's two SDIFF algorithms, chosen by its estimate of the work: each member of the first set looked up
    /// in the others (about size(first) x sets / 2), or the first set copied and every other set's members
    /// removed from the copy (the sum of the sizes).
    /// </summary>
    private static void Diff(SetValue result, SetValue?[] sets, long maxIntsetEntries, Span<byte> scratch)
    {
        var first = sets[0];
        if (first is null)
        {
            return;
        }

        long lookupWork = 0;
        long removeWork = 0;
        foreach (var set in sets)
        {
            lookupWork += first.Count;
            removeWork += set?.Count ?? 0;
        }

        if (lookupWork / 2 <= removeWork)
        {
            for (int i = 0; i < first.Count; i++)
            {
                var member = first.MemberAt(i, scratch);
                bool elsewhere = false;
                for (int j = 1; j < sets.Length && !elsewhere; j++)
                {
                    elsewhere = sets[j] is { } other && (ReferenceEquals(other, first) || other.Contains(member));
                }

                if (!elsewhere)
                {
                    result.Add(member, maxIntsetEntries, out _);
                }
            }

            return;
        }

        AddAll(result, first, maxIntsetEntries, scratch);
        for (int j = 1; j < sets.Length && result.Count > 0; j++)
        {
            if (sets[j] is not { } other)
            {
                continue;
            }

            for (int i = 0; i < other.Count && result.Count > 0; i++)
            {
                result.Remove(other.MemberAt(i, scratch), out _);
            }
        }
    }

    private static bool InAllOthers(SetValue?[] sets, ReadOnlySpan<byte> member)
    {
        for (int j = 1; j < sets.Length; j++)
        {
            if (!ReferenceEquals(sets[j], sets[0]) && !sets[j]!.Contains(member))
            {
                return false;
            }
        }

        return true;
    }

    private static void AddAll(SetValue result, SetValue? set, long maxIntsetEntries, Span<byte> scratch)
    {
        for (int i = 0; i < (set?.Count ?? 0); i++)
        {
            result.Add(set!.MemberAt(i, scratch), maxIntsetEntries, out _);
        }
    }
}
