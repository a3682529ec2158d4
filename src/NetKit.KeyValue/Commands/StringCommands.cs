namespace NetKit.KeyValue;

/// <summary>Commands on string values: GET, SET and their relatives, counters, ranges.</summary>
internal static partial class StringCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("get", 2, CommandFlags.ReadOnly | CommandFlags.Fast, Get, "string", "Returns the string value of a key.", 1, 1, 1));
        table.Add(new CommandSpec("set", -3, CommandFlags.Write | CommandFlags.DenyOom, Set, "string",
            "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", 1, 1, 1));
        RegisterMore(table);
    }

    /// <summary>The rest of the string commands, in their own file.</summary>
    static partial void RegisterMore(CommandTable table);

    private static void Get(ref CommandContext context)
    {
        bool hit = context.Store.TryGet(context[1], out byte[] value);
        context.CountLookup(hit);
        if (hit)
        {
            context.Reply.Bulk(value);
        }
        else
        {
            context.Reply.Null();
        }
    }

    private static void Set(ref CommandContext context)
    {
        bool nx = false, xx = false, get = false, keepTtl = false;
        long expiresAtMs = 0;
        bool hasExpiry = false;
        for (int i = 3; i < context.Count; i++)
        {
            if (context.Is(i, "NX"u8) && !xx)
            {
                nx = true;
            }
            else if (context.Is(i, "XX"u8) && !nx)
            {
                xx = true;
            }
            else if (context.Is(i, "GET"u8))
            {
                get = true;
            }
            else if (context.Is(i, "KEEPTTL"u8) && !hasExpiry)
            {
                keepTtl = true;
            }
            else if (!hasExpiry && !keepTtl && i + 1 < context.Count
                     && (context.Is(i, "EX"u8) || context.Is(i, "PX"u8) || context.Is(i, "EXAT"u8) || context.Is(i, "PXAT"u8)))
            {
                if (!CommandContext.TryParseInteger(context[i + 1], out long amount))
                {
                    context.Reply.Error("ERR value is not an integer or out of range"u8);
                    return;
                }

                if (!TryAbsoluteExpiry(ref context, i, amount, out expiresAtMs))
                {
                    context.Reply.Error("ERR invalid expire time in 'set' command"u8);
                    return;
                }

                hasExpiry = true;
                i++;
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
            bool exists = store.TryGet(context[1], out byte[] old);
            if ((nx && exists) || (xx && !exists))
            {
                if (get)
                {
                    BulkOrNull(context.Reply, exists, old);
                }
                else
                {
                    context.Reply.Null();
                }

                return;
            }

            store.SetLocked(context[1], context[2], keepTtl ? -1 : expiresAtMs);
            if (get)
            {
                BulkOrNull(context.Reply, exists, old);
            }
            else
            {
                context.Reply.Ok();
            }
        }
    }

    /// <summary>Turns EX/PX/EXAT/PXAT and its amount (at <paramref name="optionIndex"/>) into Unix ms; false when not positive or too large.</summary>
    internal static bool TryAbsoluteExpiry(ref CommandContext context, int optionIndex, long amount, out long expiresAtMs)
    {
        expiresAtMs = 0;
        const long MaxMs = long.MaxValue / 4;
        if (amount <= 0)
        {
            return false;
        }

        long now = context.Store.NowMs;
        if (context.Is(optionIndex, "EX"u8))
        {
            if (amount > MaxMs / 1000 - now / 1000)
            {
                return false;
            }

            expiresAtMs = now + (amount * 1000);
        }
        else if (context.Is(optionIndex, "PX"u8))
        {
            if (amount > MaxMs - now)
            {
                return false;
            }

            expiresAtMs = now + amount;
        }
        else if (context.Is(optionIndex, "EXAT"u8))
        {
            if (amount > MaxMs / 1000)
            {
                return false;
            }

            expiresAtMs = amount * 1000;
        }
        else
        {
            if (amount > MaxMs)
            {
                return false;
            }

            expiresAtMs = amount;
        }

        return true;
    }

    internal static void BulkOrNull(ReplyWriter reply, bool exists, byte[] value)
    {
        if (exists)
        {
            reply.Bulk(value);
        }
        else
        {
            reply.Null();
        }
    }
}
