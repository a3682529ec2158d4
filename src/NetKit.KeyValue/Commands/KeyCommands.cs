using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace NetKit.KeyValue;

/// <summary>Commands on keys whatever their value: DEL, EXISTS, TYPE, RENAME, EXPIRE and TTL families, KEYS, SCAN, RANDOMKEY.</summary>
internal static class KeyCommands
{
    private const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;
    private const CommandFlags WriteFast = CommandFlags.Write | CommandFlags.Fast;

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("del", -2, CommandFlags.Write, Del, "generic", "Deletes one or more keys.", 1, -1, 1));
        table.Add(new CommandSpec("unlink", -2, WriteFast, Del, "generic", "Asynchronously deletes one or more keys.", 1, -1, 1));
        table.Add(new CommandSpec("exists", -2, ReadFast, Exists, "generic", "Determines whether one or more keys exist.", 1, -1, 1));
        table.Add(new CommandSpec("type", 2, ReadFast, Type, "generic", "Determines the type of value stored at a key.", 1, 1, 1));
        table.Add(new CommandSpec("rename", 3, CommandFlags.Write, Rename, "generic", "Renames a key and overwrites the destination.", 1, 2, 1));
        table.Add(new CommandSpec("renamenx", 3, WriteFast, RenameNx, "generic", "Renames a key only when the target key name doesn't exist.", 1, 2, 1));
        table.Add(new CommandSpec("expire", -3, WriteFast, Expire, "generic", "Sets the expiration time of a key in seconds.", 1, 1, 1));
        table.Add(new CommandSpec("pexpire", -3, WriteFast, PExpire, "generic", "Sets the expiration time of a key in milliseconds.", 1, 1, 1));
        table.Add(new CommandSpec("expireat", -3, WriteFast, ExpireAt, "generic", "Sets the expiration time of a key to a Unix timestamp.", 1, 1, 1));
        table.Add(new CommandSpec("pexpireat", -3, WriteFast, PExpireAt, "generic", "Sets the expiration time of a key to a Unix milliseconds timestamp.", 1, 1, 1));
        table.Add(new CommandSpec("ttl", 2, ReadFast, Ttl, "generic", "Returns the expiration time in seconds of a key.", 1, 1, 1));
        table.Add(new CommandSpec("pttl", 2, ReadFast, PTtl, "generic", "Returns the expiration time in milliseconds of a key.", 1, 1, 1));
        table.Add(new CommandSpec("persist", 2, WriteFast, Persist, "generic", "Removes the expiration time of a key.", 1, 1, 1));
        table.Add(new CommandSpec("keys", 2, CommandFlags.ReadOnly | CommandFlags.MayBlock, Keys, "generic", "Returns all key names that match a pattern."));
        table.Add(new CommandSpec("scan", -2, CommandFlags.ReadOnly | CommandFlags.MayBlock, Scan, "generic", "Iterates over the key names in the database."));
        table.Add(new CommandSpec("randomkey", 1, CommandFlags.ReadOnly | CommandFlags.MayBlock, RandomKey, "generic", "Returns a random key name from the database."));
    }

    // DEL and UNLINK alike: nothing is freed in the background, the garbage collector does that.
    private static void Del(ref CommandContext context)
    {
        var store = context.Store;
        long removed = 0;
        lock (store.WriteLock)
        {
            for (int i = 1; i < context.Count; i++)
            {
                // Looked up first so that a key whose time ran out counts as expired, not as deleted.
                if (store.ContainsKey(context[i]) && store.RemoveLocked(context[i]))
                {
                    store.Notify(KeyspaceEventClass.Generic, "del"u8, context[i]);
                    removed++;
                }
            }
        }

        context.Reply.Integer(removed);
    }

    private static void Exists(ref CommandContext context)
    {
        long found = 0;
        for (int i = 1; i < context.Count; i++)
        {
            bool hit = context.Store.TryPeekValue(context[i], out _); // not an access, as in Redis
            context.CountLookup(hit);
            found += hit ? 1 : 0;
        }

        context.Reply.Integer(found);
    }

    private static void Type(ref CommandContext context)
    {
        bool hit = context.Store.TryPeekValue(context[1], out object value); // not an access, as in Redis
        context.CountLookup(hit);
        context.Reply.Simple(hit ? StoredValues.TypeName(value) : "none"u8);
    }

    private static void Rename(ref CommandContext context) => RenameKey(ref context, onlyIfNew: false);

    private static void RenameNx(ref CommandContext context) => RenameKey(ref context, onlyIfNew: true);

    private static void RenameKey(ref CommandContext context, bool onlyIfNew)
    {
        var store = context.Store;
        var reply = context.Reply;
        lock (store.WriteLock)
        {
            if (!store.TryGetValue(context[1], out object value, out long expiresAtMs))
            {
                reply.Error("ERR no such key"u8);
                return;
            }

            if (context[1].SequenceEqual(context[2]))
            {
                ReplyRenamed(reply, onlyIfNew, renamed: !onlyIfNew);
                return;
            }

            if (onlyIfNew && store.ContainsKey(context[2]))
            {
                reply.Integer(0);
                return;
            }

            // The destination takes the source's expiry, or none: never keeps its own.
            store.PutLocked(context[2], value, expiresAtMs, store.Access.FormOf(context[1]));
            store.RemoveLocked(context[1]);
            store.Notify(KeyspaceEventClass.Generic, "rename_from"u8, context[1]);
            store.Notify(KeyspaceEventClass.Generic, "rename_to"u8, context[2]);
        }

        ReplyRenamed(reply, onlyIfNew, renamed: true);

        static void ReplyRenamed(ReplyWriter reply, bool onlyIfNew, bool renamed)
        {
            if (onlyIfNew)
            {
                reply.Integer(renamed ? 1 : 0);
            }
            else
            {
                reply.Ok();
            }
        }
    }

    private static void Expire(ref CommandContext context) => ExpireKey(ref context, 1000, relative: true, "ERR invalid expire time in 'expire' command"u8);

    private static void PExpire(ref CommandContext context) => ExpireKey(ref context, 1, relative: true, "ERR invalid expire time in 'pexpire' command"u8);

    private static void ExpireAt(ref CommandContext context) => ExpireKey(ref context, 1000, relative: false, "ERR invalid expire time in 'expireat' command"u8);

    private static void PExpireAt(ref CommandContext context) => ExpireKey(ref context, 1, relative: false, "ERR invalid expire time in 'pexpireat' command"u8);

    [Flags]
    private enum ExpireCondition
    {
        None = 0,
        Nx = 1,
        Xx = 2,
        Gt = 4,
        Lt = 8,
    }

    private static void ExpireKey(ref CommandContext context, long unitMs, bool relative, ReadOnlySpan<byte> invalidTime)
    {
        var reply = context.Reply;
        var condition = ExpireCondition.None;
        for (int i = 3; i < context.Count; i++)
        {
            if (context.Is(i, "NX"u8))
            {
                condition |= ExpireCondition.Nx;
            }
            else if (context.Is(i, "XX"u8))
            {
                condition |= ExpireCondition.Xx;
            }
            else if (context.Is(i, "GT"u8))
            {
                condition |= ExpireCondition.Gt;
            }
            else if (context.Is(i, "LT"u8))
            {
                condition |= ExpireCondition.Lt;
            }
            else
            {
                reply.Error($"ERR Unsupported option {context.ArgString(i)}");
                return;
            }
        }

        if ((condition & ExpireCondition.Nx) != 0 && (condition & ~ExpireCondition.Nx) != 0)
        {
            reply.Error("ERR NX and XX, GT or LT options at the same time are not compatible"u8);
            return;
        }

        if ((condition & (ExpireCondition.Gt | ExpireCondition.Lt)) == (ExpireCondition.Gt | ExpireCondition.Lt))
        {
            reply.Error("ERR GT and LT options at the same time are not compatible"u8);
            return;
        }

        if (!context.TryInteger(2, out long when))
        {
            return;
        }

        // As Redis: any time is accepted (a past one deletes the key) unless the arithmetic overflows.
        long now = context.Store.NowMs;
        long baseTime = relative ? now : 0;
        if (unitMs == 1000 && (when > long.MaxValue / 1000 || when < long.MinValue / 1000))
        {
            reply.Error(invalidTime);
            return;
        }

        when *= unitMs;
        if (when > long.MaxValue - baseTime)
        {
            reply.Error(invalidTime);
            return;
        }

        when += baseTime;

        var store = context.Store;
        lock (store.WriteLock)
        {
            long current = store.GetExpiry(context[1]);
            if (current < 0)
            {
                reply.Integer(0);
                return;
            }

            // A key without expiry counts as expiring never: GT always fails on it, LT always passes.
            bool refused = ((condition & ExpireCondition.Nx) != 0 && current != 0)
                || ((condition & ExpireCondition.Xx) != 0 && current == 0)
                || ((condition & ExpireCondition.Gt) != 0 && (current == 0 || when <= current))
                || ((condition & ExpireCondition.Lt) != 0 && current != 0 && when >= current);
            if (refused)
            {
                reply.Integer(0);
                return;
            }

            if (when <= now)
            {
                // Also covers 0, which the store would read as "no expiry".
                store.RemoveLocked(context[1]);
                store.Notify(KeyspaceEventClass.Generic, "del"u8, context[1]);
            }
            else
            {
                store.ExpireAtLocked(context[1], when);
                store.Notify(KeyspaceEventClass.Generic, "expire"u8, context[1]);
            }
        }

        reply.Integer(1);
    }

    private static void Ttl(ref CommandContext context) => ReplyTtl(ref context, inMilliseconds: false);

    private static void PTtl(ref CommandContext context) => ReplyTtl(ref context, inMilliseconds: true);

    private static void ReplyTtl(ref CommandContext context, bool inMilliseconds) =>
        ReplyExpiry(ref context, inMilliseconds, absolute: false);

    /// <summary>
    /// TTL, PTTL, EXPIRETIME and PEXPIRETIME: -2 for no key, -1 for no expiry, else what is left (or the deadline),
    /// for a key of any type. Redis rounds seconds to the nearest one (its ttlGenericCommand).
    /// </summary>
    internal static void ReplyExpiry(ref CommandContext context, bool inMilliseconds, bool absolute)
    {
        bool hit = context.Store.TryGetValue(context[1], out _, out long expiresAtMs, touch: false);
        context.CountLookup(hit);
        if (!hit)
        {
            context.Reply.Integer(-2);
        }
        else if (expiresAtMs == 0)
        {
            context.Reply.Integer(-1);
        }
        else
        {
            long value = absolute ? expiresAtMs : Math.Max(0, expiresAtMs - context.Store.NowMs);
            context.Reply.Integer(inMilliseconds ? value : (value + 500) / 1000);
        }
    }

    private static void Persist(ref CommandContext context)
    {
        var store = context.Store;
        bool cleared = false;
        lock (store.WriteLock)
        {
            if (store.GetExpiry(context[1]) > 0)
            {
                cleared = store.ExpireAtLocked(context[1], 0);
                store.Notify(KeyspaceEventClass.Generic, "persist"u8, context[1]);
            }
        }

        context.Reply.Integer(cleared ? 1 : 0);
    }

    private static void Keys(ref CommandContext context)
    {
        ReadOnlySpan<byte> pattern = context[1];
        bool all = pattern.Length == 1 && pattern[0] == (byte)'*';
        var matches = new List<byte[]>();
        foreach (byte[] key in context.Store.Keys())
        {
            if (all || GlobPattern.IsMatch(pattern, key))
            {
                matches.Add(key);
            }
        }

        context.Reply.ArrayHeader(matches.Count);
        foreach (byte[] key in matches)
        {
            context.Reply.Bulk(key);
        }
    }

    private static void RandomKey(ref CommandContext context)
    {
        var store = context.Store;
        int count = store.Count;
        byte[]? chosen = null;
        if (count > 0)
        {
            // The dictionary has no random access: walk to a random position. Keys may vanish meanwhile,
            // so settle for the last one seen when the walk runs short.
            int target = Random.Shared.Next(count);
            int index = 0;
            foreach (byte[] key in store.Keys())
            {
                chosen = key;
                if (index++ == target)
                {
                    break;
                }
            }
        }

        if (chosen is null)
        {
            context.Reply.Null();
        }
        else
        {
            context.Reply.Bulk(chosen);
        }
    }

    private static void Scan(ref CommandContext context)
    {
        var reply = context.Reply;
        if (!TryParseCursor(context[1], out ulong cursor))
        {
            reply.Error("ERR invalid cursor"u8);
            return;
        }

        long count = 10;
        int patternIndex = 0;
        int typeIndex = 0;
        for (int i = 2; i < context.Count; i++)
        {
            if (i + 1 >= context.Count)
            {
                context.SyntaxError();
                return;
            }

            if (context.Is(i, "COUNT"u8))
            {
                if (!context.TryInteger(i + 1, out count))
                {
                    return;
                }

                if (count < 1)
                {
                    context.SyntaxError();
                    return;
                }
            }
            else if (context.Is(i, "MATCH"u8))
            {
                patternIndex = i + 1;
            }
            else if (context.Is(i, "TYPE"u8))
            {
                typeIndex = i + 1;
            }
            else
            {
                context.SyntaxError();
                return;
            }

            i++;
        }

        ReadOnlySpan<byte> pattern = patternIndex == 0 ? "*"u8 : context[patternIndex];
        bool all = pattern.Length == 1 && pattern[0] == (byte)'*';
        var store = context.Store;
        var page = new List<byte[]>((int)Math.Min(count, 1024));
        ulong next = 0;
        // A cursor is the hash to continue from, plus one so that 0 can mean both "start" and "done".
        if (cursor <= (ulong)uint.MaxValue + 1)
        {
            ScanIndex index = ScanIndex.For(store, restart: cursor == 0);
            next = index.Collect(store, cursor == 0 ? 0 : (uint)(cursor - 1), count, page);
            if (next == 0)
            {
                ScanIndex.Release(store, index);
            }
        }

        // Filtered once, then written: a key's type may change between two looks at it.
        int kept = 0;
        for (int i = 0; i < page.Count; i++)
        {
            if (Selected(ref context, store, page[i], typeIndex, pattern, all))
            {
                page[kept++] = page[i];
            }
        }

        page.RemoveRange(kept, page.Count - kept);
        reply.ArrayHeader(2);
        reply.Bulk((long)next);
        reply.ArrayHeader(page.Count);
        foreach (byte[] key in page)
        {
            reply.Bulk(key);
        }
    }

    /// <summary>Whether SCAN returns <paramref name="key"/>: it matches the pattern and, with TYPE, is of that type.</summary>
    private static bool Selected(ref CommandContext context, KeyValueStore store, byte[] key, int typeIndex, ReadOnlySpan<byte> pattern, bool all)
    {
        if (!all && !GlobPattern.IsMatch(pattern, key))
        {
            return false;
        }

        return typeIndex == 0
            || (store.TryGetValue(key, out object value) && System.Text.Ascii.EqualsIgnoreCase(StoredValues.TypeName(value), context[typeIndex]));
    }

    private static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong cursor) =>
        Utf8Parser.TryParse(text, out cursor, out int consumed) && consumed == text.Length && text[0] != (byte)'+';

    /// <summary>
    /// SCAN's order: every key sorted by a hash that is fixed for the life of the process, so a cursor is
    /// simply the next hash to continue from and survives the dictionary growing, shrinking or
    /// rehashing — every key present for a whole iteration is returned at least once, as Redis promises.
    /// </summary>
    /// <remarks>
    /// The sorted list is a snapshot taken when an iteration starts (cursor 0) and shared by every
    /// iteration; a newer one replaces it, which is still correct for older iterations because a key
    /// present for all of theirs was present when the newer one was taken, and the hash order is the same.
    /// Keys deleted since the snapshot are skipped; keys added since may or may not be returned, as in Redis.
    /// A snapshot costs a sort per iteration instead of a pass over every key per call.
    /// </remarks>
    private sealed class ScanIndex
    {
        private static readonly ConditionalWeakTable<KeyValueStore, ScanIndex> Current = new();
        private static readonly Lock BuildLock = new();

        private readonly uint[] _hashes;
        private readonly byte[][] _keys;

        private ScanIndex(uint[] hashes, byte[][] keys)
        {
            _hashes = hashes;
            _keys = keys;
        }

        public static uint HashOf(ReadOnlySpan<byte> key) => (uint)ByteArrayKeyComparer.Instance.GetHashCode(key);

        public static ScanIndex For(KeyValueStore store, bool restart)
        {
            if (!restart && Current.TryGetValue(store, out ScanIndex? existing))
            {
                return existing;
            }

            // Built one at a time so that the snapshot left in place is always the most recent one.
            lock (BuildLock)
            {
                var keys = new List<byte[]>(store.Count);
                keys.AddRange(store.Keys());
                byte[][] keyArray = [.. keys];
                var hashes = new uint[keyArray.Length];
                for (int i = 0; i < keyArray.Length; i++)
                {
                    hashes[i] = HashOf(keyArray[i]);
                }

                Array.Sort(hashes, keyArray);
                var index = new ScanIndex(hashes, keyArray);
                Current.AddOrUpdate(store, index);
                return index;
            }
        }

        /// <summary>Drops the snapshot once an iteration is done, so it does not keep deleted keys alive;
        /// another iteration still running simply takes a new one.</summary>
        public static void Release(KeyValueStore store, ScanIndex index)
        {
            lock (BuildLock)
            {
                if (Current.TryGetValue(store, out ScanIndex? current) && ReferenceEquals(current, index))
                {
                    Current.Remove(store);
                }
            }
        }

        /// <summary>Adds to <paramref name="page"/> up to <paramref name="count"/> live keys whose hash is at
        /// least <paramref name="from"/>, plus every other key sharing the last one's hash (a cursor cannot
        /// point between them); returns the next hash to continue from plus one, or 0 when done.</summary>
        public ulong Collect(KeyValueStore store, uint from, long count, List<byte[]> page)
        {
            int i = LowerBound(from);
            while (i < _hashes.Length)
            {
                uint hash = _hashes[i];
                if (page.Count >= count)
                {
                    return (ulong)hash + 1;
                }

                for (; i < _hashes.Length && _hashes[i] == hash; i++)
                {
                    if (store.ContainsKey(_keys[i]))
                    {
                        page.Add(_keys[i]);
                    }
                }
            }

            return 0;
        }

        private int LowerBound(uint from)
        {
            int low = 0, high = _hashes.Length;
            while (low < high)
            {
                int mid = (int)((uint)(low + high) >> 1);
                if (_hashes[mid] < from)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            return low;
        }
    }
}
