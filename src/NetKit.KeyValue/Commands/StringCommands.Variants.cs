using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using NetKit.Buffers;

namespace NetKit.KeyValue;

// The variants of GET and SET (SETNX, SETEX, PSETEX, GETDEL, GETEX, MGET, MSET, MSETNX), and the registration
// of every string command beyond GET and SET. A key holding another type than a string fails the store's
// TryGet with WrongTypeException, which the dispatcher answers with WRONGTYPE: the handlers look up before
// they change anything.
internal static partial class StringCommands
{
    private const CommandFlags Read = CommandFlags.ReadOnly;
    private const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;
    private const CommandFlags Grow = CommandFlags.Write | CommandFlags.DenyOom;
    private const CommandFlags GrowFast = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
    private const CommandFlags WriteFast = CommandFlags.Write | CommandFlags.Fast;

    static partial void RegisterVariants(CommandTable table)
    {
        table.Add(new CommandSpec("setnx", 3, GrowFast, SetNx, "string", "Set the string value of a key only when the key doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("setex", 4, Grow, SetEx, "string", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("psetex", 4, Grow, PSetEx, "string", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("getdel", 2, WriteFast, GetDel, "string", "Returns the string value of a key after deleting the key.", 1, 1, 1));
        table.Add(new CommandSpec("getex", -2, WriteFast, GetEx, "string", "Returns the string value of a key after setting its expiration time.", 1, 1, 1));
        table.Add(new CommandSpec("mget", -2, ReadFast, MGet, "string", "Atomically returns the string values of one or more keys.", 1, -1, 1));
        table.Add(new CommandSpec("mset", -3, Grow, MSet, "string", "Atomically creates or modifies the string values of one or more keys.", 1, -1, 2));
        table.Add(new CommandSpec("msetnx", -3, Grow, MSetNx, "string", "Atomically modifies the string values of one or more keys only when all keys don't exist.", 1, -1, 2));
        table.Add(new CommandSpec("append", 3, GrowFast, Append, "string", "Appends a string to the value of a key. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("strlen", 2, ReadFast, StrLen, "string", "Returns the length of a string value.", 1, 1, 1));
        table.Add(new CommandSpec("getrange", 4, Read, GetRange, "string", "Returns a substring of the string stored at a key.", 1, 1, 1));
        table.Add(new CommandSpec("setrange", 4, Grow, SetRange, "string", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("incr", 2, GrowFast, Incr, "string", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("decr", 2, GrowFast, Decr, "string", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("incrby", 3, GrowFast, IncrBy, "string", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("decrby", 3, GrowFast, DecrBy, "string", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("incrbyfloat", 3, GrowFast, IncrByFloat, "string", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", 1, 1, 1));
    }

    private static void SetNx(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            if (store.ContainsKey(context[1]))
            {
                context.Reply.Integer(0);
                return;
            }

            store.SetLocked(context[1], context[2], expiresAtMs: 0);
            store.Notify(KeyspaceEventClass.String, "set"u8, context[1]);
        }

        context.Reply.Integer(1);
    }

    private static void SetEx(ref CommandContext context) => SetWithExpiry(ref context, 1000, "ERR invalid expire time in 'setex' command"u8);

    private static void PSetEx(ref CommandContext context) => SetWithExpiry(ref context, 1, "ERR invalid expire time in 'psetex' command"u8);

    private static void SetWithExpiry(ref CommandContext context, long unitMs, ReadOnlySpan<byte> invalidExpire)
    {
        if (!context.TryInteger(2, out long amount))
        {
            return;
        }

        if (!TryRelativeExpiry(context.Store.NowMs, amount, unitMs, out long expiresAtMs))
        {
            context.Reply.Error(invalidExpire);
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            store.SetLocked(context[1], context[3], expiresAtMs);
            store.Notify(KeyspaceEventClass.String, "set"u8, context[1]);
            store.Notify(KeyspaceEventClass.Generic, "expire"u8, context[1]);
        }

        context.Reply.Ok();
    }

    /// <summary>Now plus a positive amount of <paramref name="unitMs"/>, within the same bound SET uses.</summary>
    private static bool TryRelativeExpiry(long nowMs, long amount, long unitMs, out long expiresAtMs)
    {
        const long MaxMs = long.MaxValue / 4;
        expiresAtMs = 0;
        if (amount <= 0 || amount > (MaxMs - nowMs) / unitMs)
        {
            return false;
        }

        expiresAtMs = nowMs + (amount * unitMs);
        return true;
    }

    private static void GetDel(ref CommandContext context)
    {
        var store = context.Store;
        bool hit;
        byte[] value;
        lock (store.WriteLock)
        {
            hit = store.TryGet(context[1], out value);
            if (hit)
            {
                store.RemoveLocked(context[1]);
                store.Notify(KeyspaceEventClass.Generic, "del"u8, context[1]);
            }
        }

        context.CountLookup(hit);
        BulkOrNull(context.Reply, hit, value);
    }

    private static void GetEx(ref CommandContext context)
    {
        // As Redis 7.0: the options' syntax is checked before the key is looked up (a bad option is an error
        // even for a missing key), the amount only after — a missing key is nil whatever the amount.
        int expiryOption = 0;
        bool persist = false;
        for (int i = 2; i < context.Count; i++)
        {
            if (context.Is(i, "PERSIST"u8) && expiryOption == 0)
            {
                persist = true;
            }
            else if (!persist && i + 1 < context.Count && IsExpiryOption(ref context, i, expiryOption))
            {
                expiryOption = i++;
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }

        var store = context.Store;
        bool hit;
        byte[] value;
        lock (store.WriteLock)
        {
            hit = store.TryGet(context[1], out value);
            if (hit)
            {
                if (expiryOption != 0)
                {
                    if (!TryExpiryArgument(ref context, expiryOption, "ERR invalid expire time in 'getex' command"u8, out long expiresAtMs))
                    {
                        context.CountLookup(hit);
                        return;
                    }

                    // An EXAT/PXAT already past deletes the key, after its value has been read.
                    store.ExpireAtLocked(context[1], expiresAtMs);
                    store.Notify(KeyspaceEventClass.Generic, store.TryPeekValue(context[1], out _) ? "expire"u8 : "del"u8, context[1]);
                }
                else if (persist && store.GetExpiry(context[1]) > 0)
                {
                    store.ExpireAtLocked(context[1], 0);
                    store.Notify(KeyspaceEventClass.Generic, "persist"u8, context[1]);
                }
            }
        }

        context.CountLookup(hit);
        BulkOrNull(context.Reply, hit, value);
    }

    private static void MGet(ref CommandContext context)
    {
        var store = context.Store;
        var reply = context.Reply;
        reply.ArrayHeader(context.Count - 1);
        for (int i = 1; i < context.Count; i++)
        {
            // MGET answers nil for a key of another type, as Redis does, rather than WRONGTYPE.
            bool hit = store.TryGetValue(context[i], out object found) && found is byte[];
            context.CountLookup(hit);
            BulkOrNull(reply, hit, hit ? (byte[])found : []);
        }
    }

    private static void MSet(ref CommandContext context)
    {
        if (context.Count % 2 == 0)
        {
            context.WrongArity();
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            for (int i = 1; i < context.Count; i += 2)
            {
                store.SetLocked(context[i], context[i + 1], expiresAtMs: 0);
                store.Notify(KeyspaceEventClass.String, "set"u8, context[i]);
            }
        }

        context.Reply.Ok();
    }

    private static void MSetNx(ref CommandContext context)
    {
        if (context.Count % 2 == 0)
        {
            context.WrongArity();
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            for (int i = 1; i < context.Count; i += 2)
            {
                if (store.ContainsKey(context[i]))
                {
                    context.Reply.Integer(0);
                    return;
                }
            }

            for (int i = 1; i < context.Count; i += 2)
            {
                store.SetLocked(context[i], context[i + 1], expiresAtMs: 0);
                store.Notify(KeyspaceEventClass.String, "set"u8, context[i]);
            }
        }

        context.Reply.Integer(1);
    }
}
