using System.Text;

namespace NetKit.KeyValue;

/// <summary>Commands on string values: GET, SET and their relatives, counters, ranges.</summary>
internal static partial class StringCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("get", 2, CommandFlags.ReadOnly | CommandFlags.Fast, Get, "string", "Returns the string value of a key.", 1, 1, 1));
        table.Add(new CommandSpec("set", -3, CommandFlags.Write | CommandFlags.DenyOom, Set, "string",
            "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", 1, 1, 1));
        RegisterVariants(table);
    }

    /// <summary>The rest of the string commands, in their own file.</summary>
    static partial void RegisterVariants(CommandTable table);

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
        // As Redis 7.0's parseExtendedStringArgumentsOrReply: an option may repeat (the last EX wins, even
        // after an EX whose amount is no number), options that contradict each other are a syntax error,
        // and the amount is only checked once all options are read.
        bool nx = false, xx = false, get = false, keepTtl = false;
        int expiryOption = 0;
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
            else if (context.Is(i, "KEEPTTL"u8) && expiryOption == 0)
            {
                keepTtl = true;
            }
            else if (!keepTtl && i + 1 < context.Count && IsExpiryOption(ref context, i, expiryOption))
            {
                expiryOption = i++;
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }

        long expiresAtMs = 0;
        if (expiryOption != 0 && !TryExpiryArgument(ref context, expiryOption, "ERR invalid expire time in 'set' command"u8, out expiresAtMs))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            // SET replaces a value of any type; only its GET option needs the old one to be a string.
            bool exists = store.TryGetValue(context[1], out object current);
            if (get && exists && current is not byte[])
            {
                throw new WrongTypeException();
            }

            byte[] old = current as byte[] ?? [];
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
            store.Notify(KeyspaceEventClass.String, "set"u8, context[1]);
            if (expiresAtMs != 0)
            {
                store.Notify(KeyspaceEventClass.Generic, "expire"u8, context[1]);
            }
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

    /// <summary>True when argument <paramref name="i"/> is EX, PX, EXAT or PXAT and no other of them came before
    /// (<paramref name="previous"/>, 0 = none): Redis lets the same one repeat, the last one counting.</summary>
    internal static bool IsExpiryOption(ref CommandContext context, int i, int previous)
    {
        ReadOnlySpan<byte> option = context[i];
        bool isExpiry = context.Is(i, "EX"u8) || context.Is(i, "PX"u8) || context.Is(i, "EXAT"u8) || context.Is(i, "PXAT"u8);
        return isExpiry && (previous == 0 || Ascii.EqualsIgnoreCase(option, context[previous]));
    }

    /// <summary>The amount after the expiry option at <paramref name="option"/> as Unix ms, or Redis's error
    /// written (not an integer, or <paramref name="invalid"/>).</summary>
    internal static bool TryExpiryArgument(ref CommandContext context, int option, ReadOnlySpan<byte> invalid, out long expiresAtMs)
    {
        expiresAtMs = 0;
        if (!context.TryInteger(option + 1, out long amount))
        {
            return false;
        }

        if (!TryAbsoluteExpiry(ref context, option, amount, out expiresAtMs))
        {
            context.Reply.Error(invalid);
            return false;
        }

        return true;
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
