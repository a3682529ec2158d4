using System.Globalization;

namespace NetKit.KeyValue;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP, as Redis 7.0 runs them: a list with elements is served at
/// once, as the non-blocking form would; otherwise the command is taken and the client waits, holding no
/// thread (see <see cref="BlockedClient"/>), until a push serves it in the order clients blocked, its timeout passes
/// (seconds as a decimal, 0 = for ever) or CLIENT UNBLOCK ends the wait. Inside MULTI/EXEC a blocking command
/// never waits: it answers nil at once, as the timeout would.
/// </summary>
internal static class BlockingListCommands
{
    private const CommandFlags Blocking = CommandFlags.Write;

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("blpop", -3, Blocking, BLPop, "list", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", 1, -2, 1));
        table.Add(new CommandSpec("brpop", -3, Blocking, BRPop, "list", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", 1, -2, 1));
        table.Add(new CommandSpec("blmove", 6, Blocking | CommandFlags.DenyOom, BLMove, "list", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.", 1, 2, 1));
        table.Add(new CommandSpec("brpoplpush", 4, Blocking | CommandFlags.DenyOom, BRPopLPush, "list", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.", 1, 2, 1));
        table.Add(new CommandSpec("blmpop", -5, Blocking, BLMPop, "list", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped."));
    }

    private static void BLPop(ref CommandContext context) => BlockingPop(ref context, head: true);

    private static void BRPop(ref CommandContext context) => BlockingPop(ref context, head: false);

    private static void BlockingPop(ref CommandContext context, bool head)
    {
        var client = context.Session.BlockedList;

        if (!TryTimeout(ref context, context.Count - 1, out long timeoutMs))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            for (int i = 1; i < context.Count - 1; i++)
            {
                if (store.TryGetList(context[i], out ListValue list))
                {
                    var element = store.ListPopOneLocked(context[i], list, head);
                    context.Reply.ArrayHeader(2);
                    context.Reply.Bulk(context[i]);
                    context.Reply.Bulk(element);
                    return;
                }
            }

            if (CannotBlock(ref context))
            {
                context.Reply.NullArray();
                return;
            }

            client.FromHead = head;
            client.Destination = null;
            client.Count = 1;
            client.ManyReply = false;
            client.SortedSet = false;
            Block(ref context, client, 1, context.Count - 2, timeoutMs);
        }
    }

    private static void BLMove(ref CommandContext context)
    {
        var client = context.Session.BlockedList;

        if (ListMoveCommands.TryEnd(ref context, 3, out bool fromHead) && ListMoveCommands.TryEnd(ref context, 4, out bool toHead))
        {
            BlockingMove(ref context, client, fromHead, toHead, 5);
        }
    }

    private static void BRPopLPush(ref CommandContext context)
    {
        var client = context.Session.BlockedList;

        BlockingMove(ref context, client, fromHead: false, toHead: true, 3);
    }

    private static void BlockingMove(ref CommandContext context, BlockedClient client, bool fromHead, bool toHead, int timeoutAt)
    {
        if (!TryTimeout(ref context, timeoutAt, out long timeoutMs))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (ListMoveCommands.TryMoveLocked(store, context[1], context[2], fromHead, toHead, out byte[] element))
            {
                context.Reply.Bulk(element);
                return;
            }

            if (CannotBlock(ref context))
            {
                context.Reply.Null();
                return;
            }

            client.FromHead = fromHead;
            client.ToHead = toHead;
            client.Destination = context[2].ToArray();
            client.Count = 1;
            client.ManyReply = false;
            client.SortedSet = false;
            Block(ref context, client, 1, 1, timeoutMs);
        }
    }

    private static void BLMPop(ref CommandContext context)
    {
        var client = context.Session.BlockedList;

        if (!ListMoveCommands.TryParseMPop(ref context, 2, out int keyCount, out bool head, out long count)
            || !TryTimeout(ref context, 1, out long timeoutMs))
        {
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (ListMoveCommands.TryMPopLocked(ref context, 3, keyCount, head, count))
            {
                return;
            }

            if (CannotBlock(ref context))
            {
                context.Reply.NullArray();
                return;
            }

            client.FromHead = head;
            client.Destination = null;
            client.Count = count;
            client.ManyReply = true;
            client.SortedSet = false;
            Block(ref context, client, 3, keyCount, timeoutMs);
        }
    }

    /// <summary>Inside EXEC a client cannot wait (Redis's CLIENT_DENY_BLOCKING): it is answered as if timed out.</summary>
    internal static bool CannotBlock(ref CommandContext context) => context.Session.PubSub.InsideExec;

    internal static void Block(ref CommandContext context, BlockedClient client, int firstKey, int keyCount, long timeoutMs)
    {
        var keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++)
        {
            keys[i] = context[firstKey + i].ToArray();
        }

        client.Keys = keys;
        client.Database = context.Session.DatabaseIndex;
        client.ServedKey = null;
        client.Served.Clear();
        context.Store.Databases.Blocking.BlockLocked(client, timeoutMs, context.Store.TimeProvider);
    }

    /// <summary>The wait's outcome, replied once it has ended (see <see cref="KeyValueProtocol"/>'s blocked path);
    /// false while it goes on.</summary>
    public static bool TryDeliver(BlockedClient client, ReplyWriter reply, Lock writeLock)
    {
        lock (writeLock)
        {
            var state = client.State;
            if (state is BlockState.Waiting or BlockState.None)
            {
                return false;
            }

            client.State = BlockState.None;
            switch (state)
            {
                case BlockState.Served when client.SortedSet && client.ManyReply:
                    SortedSetCommands.WriteMPopReply(reply, client.ServedKey!, client.Served.Zip(client.ServedScores).ToList());
                    break;
                case BlockState.Served when client.SortedSet:
                    reply.ArrayHeader(3);
                    reply.Bulk(client.ServedKey!);
                    SortedSetCommands.WriteMember(reply, client.Served[0], client.ServedScores[0], withScore: true, pair: false);
                    break;
                case BlockState.Served when client.Destination is not null:
                    reply.Bulk(client.Served[0]);
                    break;
                case BlockState.Served when client.ManyReply:
                    reply.ArrayHeader(2);
                    reply.Bulk(client.ServedKey!);
                    ListCommands.WriteArray(reply, client.Served);
                    break;
                case BlockState.Served:
                    reply.ArrayHeader(2);
                    reply.Bulk(client.ServedKey!);
                    reply.Bulk(client.Served[0]);
                    break;
                case BlockState.Unblocked:
                    reply.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK"u8);
                    break;
                case BlockState.WrongType:
                    reply.Error(WrongTypeException.Reply);
                    break;
                default:
                    // Redis 7.0's replyToBlockedClientTimedOut: the null array for every list command, BLMOVE too.
                    reply.NullArray();
                    break;
            }

            client.Served.Clear();
            client.ServedScores.Clear();
            client.ServedKey = null;
            return true;
        }
    }

    /// <summary>CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when that client was blocked on lists and now is not.</summary>
    public static void Unblock(ref CommandContext context)
    {
        var state = BlockState.TimedOut;
        if (context.Count == 4)
        {
            if (context.Is(3, "ERROR"u8))
            {
                state = BlockState.Unblocked;
            }
            else if (!context.Is(3, "TIMEOUT"u8))
            {
                context.Reply.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"u8);
                return;
            }
        }

        if (!context.TryInteger(2, out long id))
        {
            return;
        }

        bool ended = false;
        foreach (var session in context.Database.Clients)
        {
            if (session.Id == id && session.BlockedListIfAny is { } blocked)
            {
                lock (context.Store.WriteLock)
                {
                    ended = context.Store.Databases.Blocking.EndLocked(blocked, state);
                }

                break;
            }
        }

        context.Reply.Integer(ended ? 1 : 0);
    }

    /// <summary>
    /// Redis's getTimeoutFromObjectOrReply in seconds: a decimal (strtold's forms, hexadecimal included), made
    /// milliseconds and rounded up; 0 waits for ever.
    /// </summary>
    internal static bool TryTimeout(ref CommandContext context, int index, out long milliseconds)
    {
        milliseconds = 0;
        if (!TryParseSeconds(context[index], out double seconds))
        {
            context.Reply.Error("ERR timeout is not a float or out of range"u8);
            return false;
        }

        double ms = Math.Ceiling(seconds * 1000);
        // Past 64 bits Redis 7.0's conversion to milliseconds wraps negative, and says so.
        if (ms < 0 || ms >= 9.2233720368547758e18)
        {
            context.Reply.Error("ERR timeout is negative"u8);
            return false;
        }

        milliseconds = (long)ms;
        if (milliseconds > 0 && milliseconds > long.MaxValue - context.Store.NowMs)
        {
            context.Reply.Error("ERR timeout is out of range"u8);
            return false;
        }

        return true;
    }

    private static bool TryParseSeconds(ReadOnlySpan<byte> text, out double seconds)
    {
        seconds = 0;
        if (text.IsEmpty || text.Length > 128 || char.IsWhiteSpace((char)text[0]) || char.IsWhiteSpace((char)text[^1]))
        {
            return false;
        }

        Span<char> chars = stackalloc char[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        bool negative = chars[0] == '-';
        var digits = chars[0] is '-' or '+' ? chars[1..] : chars;
        if (digits.Length > 2 && digits[0] == '0' && (digits[1] | 0x20) == 'x')
        {
            // strtold reads hexadecimal too (the suite sends 0x7FFFFFFFFFFFFF).
            if (!ulong.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex))
            {
                return false;
            }

            seconds = negative ? -(double)hex : hex;
            return true;
        }

        return double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) && !double.IsNaN(seconds);
    }
}
