using System.Buffers.Text;

namespace NetKit.KeyValue;

/// <summary>
/// Commands on hashes (HSET, HGET, HGETALL, HINCRBY, HRANDFIELD, HSCAN...), with Redis 7's replies and errors.
/// A hash is changed in place, so these read it under the write lock too; a key of another type gets
/// WRONGTYPE from the store's typed lookup.
/// </summary>
internal static class HashCommands
{
    private const CommandFlags Read = CommandFlags.ReadOnly;
    private const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;
    private const CommandFlags GrowFast = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;

    /// <summary>The most fields one HRANDFIELD with a negative count returns (repeats allowed).</summary>
    private const long MaxRandomPicks = 1_000_000;

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("hset", -4, GrowFast, HSet, "hash", "Creates or modifies the value of a field in a hash.", 1, 1, 1));
        table.Add(new CommandSpec("hsetnx", 4, GrowFast, HSetNx, "hash", "Sets the value of a field in a hash only when the field doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("hmset", -4, GrowFast, HMSet, "hash", "Sets the values of multiple fields.", 1, 1, 1));
        table.Add(new CommandSpec("hget", 3, ReadFast, HGet, "hash", "Returns the value of a field in a hash.", 1, 1, 1));
        table.Add(new CommandSpec("hmget", -3, ReadFast, HMGet, "hash", "Returns the values of all fields in a hash.", 1, 1, 1));
        table.Add(new CommandSpec("hdel", -3, CommandFlags.Write | CommandFlags.Fast, HDel, "hash", "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", 1, 1, 1));
        table.Add(new CommandSpec("hexists", 3, ReadFast, HExists, "hash", "Determines whether a field exists in a hash.", 1, 1, 1));
        table.Add(new CommandSpec("hlen", 2, ReadFast, HLen, "hash", "Returns the number of fields in a hash.", 1, 1, 1));
        table.Add(new CommandSpec("hstrlen", 3, ReadFast, HStrLen, "hash", "Returns the length of the value of a field.", 1, 1, 1));
        table.Add(new CommandSpec("hkeys", 2, Read, HKeys, "hash", "Returns all fields in a hash.", 1, 1, 1));
        table.Add(new CommandSpec("hvals", 2, Read, HVals, "hash", "Returns all values in a hash.", 1, 1, 1));
        table.Add(new CommandSpec("hgetall", 2, Read, HGetAll, "hash", "Returns all fields and values in a hash.", 1, 1, 1));
        table.Add(new CommandSpec("hincrby", 4, GrowFast, HIncrBy, "hash", "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("hincrbyfloat", 4, GrowFast, HIncrByFloat, "hash", "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("hrandfield", -2, Read, HRandField, "hash", "Returns one or more random fields from a hash.", 1, 1, 1));
        table.Add(new CommandSpec("hscan", -3, Read, HScan, "hash", "Iterates over fields and values of a hash.", 1, 1, 1));
    }

    private static void HSet(ref CommandContext context)
    {
        if (SetFields(ref context, out long added))
        {
            context.Reply.Integer(added);
        }
    }

    private static void HMSet(ref CommandContext context)
    {
        if (SetFields(ref context, out _))
        {
            context.Reply.Ok();
        }
    }

    private static bool SetFields(ref CommandContext context, out long added)
    {
        added = 0;
        if (context.Count % 2 != 0)
        {
            context.WrongArity();
            return false;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            var hash = store.GetOrAddHashLocked(context[1]);
            for (int i = 2; i < context.Count; i += 2)
            {
                added += store.HashSetLocked(context[1], hash, context[i], context[i + 1]) ? 1 : 0;
            }

            store.Notify(KeyspaceEventClass.Hash, "hset"u8, context[1]);
        }

        return true;
    }

    private static void HSetNx(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            if (store.TryGetHash(context[1], out HashValue existing) && existing.Contains(context[2]))
            {
                context.Reply.Integer(0);
                return;
            }

            store.HashSetLocked(context[1], store.GetOrAddHashLocked(context[1]), context[2], context[3]);
            store.Notify(KeyspaceEventClass.Hash, "hset"u8, context[1]);
        }

        context.Reply.Integer(1);
    }

    private static void HGet(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetHash(context[1], out HashValue hash);
            context.CountLookup(hit);
            if (hit && hash.TryGet(context[2], out byte[] value))
            {
                context.Reply.Bulk(value);
            }
            else
            {
                context.Reply.Null();
            }
        }
    }

    private static void HMGet(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetHash(context[1], out HashValue hash);
            context.CountLookup(hit);
            context.Reply.ArrayHeader(context.Count - 2);
            for (int i = 2; i < context.Count; i++)
            {
                if (hit && hash.TryGet(context[i], out byte[] value))
                {
                    context.Reply.Bulk(value);
                }
                else
                {
                    context.Reply.Null();
                }
            }
        }
    }

    private static void HDel(ref CommandContext context)
    {
        var store = context.Store;
        long removed = 0;
        lock (store.WriteLock)
        {
            if (store.TryGetHash(context[1], out HashValue hash))
            {
                for (int i = 2; i < context.Count && hash.Count > 0; i++)
                {
                    removed += store.HashDeleteLocked(context[1], hash, context[i]) ? 1 : 0;
                }

                NotifyRemoved(store, context[1], removed, hash);
            }
        }

        context.Reply.Integer(removed);
    }

    /// <summary>As Redis's HDEL: the fields' event, then the key's when the hash went with its last field.</summary>
    private static void NotifyRemoved(KeyValueStore store, ReadOnlySpan<byte> key, long removed, HashValue hash)
    {
        if (removed > 0)
        {
            store.Notify(KeyspaceEventClass.Hash, "hdel"u8, key);
            if (hash.Count == 0)
            {
                store.Notify(KeyspaceEventClass.Generic, "del"u8, key);
            }
        }
    }

    private static void HExists(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            context.Reply.Integer(store.TryGetHash(context[1], out HashValue hash) && hash.Contains(context[2]) ? 1 : 0);
        }
    }

    private static void HLen(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            context.Reply.Integer(store.TryGetHash(context[1], out HashValue hash) ? hash.Count : 0);
        }
    }

    private static void HStrLen(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            context.Reply.Integer(store.TryGetHash(context[1], out HashValue hash) && hash.TryGet(context[2], out byte[] value) ? value.Length : 0);
        }
    }

    private static void HKeys(ref CommandContext context) => WriteAll(ref context, fields: true, values: false);

    private static void HVals(ref CommandContext context) => WriteAll(ref context, fields: false, values: true);

    private static void HGetAll(ref CommandContext context) => WriteAll(ref context, fields: true, values: true);

    private static void WriteAll(ref CommandContext context, bool fields, bool values)
    {
        var store = context.Store;
        var reply = context.Reply;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetHash(context[1], out HashValue hash);
            context.CountLookup(hit);
            bool map = fields && values;
            if (!hit)
            {
                if (map)
                {
                    reply.MapHeader(0);
                }
                else
                {
                    reply.ArrayHeader(0);
                }

                return;
            }

            if (map)
            {
                reply.MapHeader(hash.Count);
            }
            else
            {
                reply.ArrayHeader(hash.Count);
            }

            foreach (var (field, value) in hash.Fields)
            {
                if (fields)
                {
                    reply.Bulk(field);
                }

                if (values)
                {
                    reply.Bulk(value);
                }
            }
        }
    }

    private static void HIncrBy(ref CommandContext context)
    {
        if (!context.TryInteger(3, out long increment))
        {
            return;
        }

        var store = context.Store;
        long result;
        lock (store.WriteLock)
        {
            long current = 0;
            bool exists = store.TryGetHash(context[1], out HashValue hash);
            if (exists && hash.TryGet(context[2], out byte[] value) && !CommandContext.TryParseInteger(value, out current))
            {
                context.Reply.Error("ERR hash value is not an integer"u8);
                return;
            }

            if (!context.TryIncrement(current, increment, out result))
            {
                return;
            }

            Span<byte> text = stackalloc byte[20];
            Utf8Formatter.TryFormat(result, text, out int length);
            store.HashSetLocked(context[1], exists ? hash : store.GetOrAddHashLocked(context[1]), context[2], text[..length]);
            store.Notify(KeyspaceEventClass.Hash, "hincrby"u8, context[1]);
        }

        context.Reply.Integer(result);
    }

    private static void HIncrByFloat(ref CommandContext context)
    {
        if (!LongDouble.TryParse(context[3], out LongDouble increment))
        {
            context.Reply.Error("ERR value is not a valid float"u8);
            return;
        }

        if (increment.IsInfinity)
        {
            context.Reply.Error("ERR value is NaN or Infinity"u8);
            return;
        }

        var store = context.Store;
        byte[] text;
        lock (store.WriteLock)
        {
            LongDouble current = LongDouble.Zero;
            bool exists = store.TryGetHash(context[1], out HashValue hash);
            if (exists && hash.TryGet(context[2], out byte[] value) && !LongDouble.TryParse(value, out current))
            {
                context.Reply.Error("ERR hash value is not a float"u8);
                return;
            }

            LongDouble result = current + increment;
            if (result.IsInfinity)
            {
                context.Reply.Error("ERR increment would produce NaN or Infinity"u8);
                return;
            }

            text = System.Text.Encoding.ASCII.GetBytes(result.Format());
            store.HashSetLocked(context[1], exists ? hash : store.GetOrAddHashLocked(context[1]), context[2], text);
            store.Notify(KeyspaceEventClass.Hash, "hincrbyfloat"u8, context[1]);
        }

        context.Reply.Bulk(text);
    }

    private static void HRandField(ref CommandContext context)
    {
        var reply = context.Reply;
        if (context.Count == 2)
        {
            var one = context.Store;
            lock (one.WriteLock)
            {
                if (one.TryGetHash(context[1], out HashValue hash) && hash.Count > 0)
                {
                    reply.Bulk(hash.Fields.ElementAt(Random.Shared.Next(hash.Count)).Key);
                }
                else
                {
                    reply.Null();
                }
            }

            return;
        }

        if (!CommandContext.TryParseInteger(context[2], out long count) || count == long.MinValue)
        {
            context.Reply.Error(CommandContext.TryParseInteger(context[2], out _)
                ? "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"u8
                : "ERR value is not an integer or out of range"u8);
            return;
        }

        bool withValues = false;
        if (context.Count == 4 && context.Is(3, "WITHVALUES"u8))
        {
            withValues = true;
        }
        else if (context.Count > 3)
        {
            context.SyntaxError();
            return;
        }

        // Redis's bound: a negative count whose reply (doubled WITHVALUES) would not fit is refused. Ours
        // is tighter: every pick is written before the reply leaves, so a huge one would take memory without
        // limit (Redis tries, and runs out).
        if ((withValues && count < -long.MaxValue / 2) || count < -MaxRandomPicks)
        {
            reply.Error("ERR value is out of range"u8);
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            if (!store.TryGetHash(context[1], out HashValue hash) || count == 0)
            {
                reply.ArrayHeader(0);
                return;
            }

            var all = hash.Snapshot();
            var chosen = new List<KeyValuePair<byte[], byte[]>>();
            if (count < 0)
            {
                // Negative: that many picks, each independent, so fields may repeat.
                for (long i = 0; i < -count; i++)
                {
                    chosen.Add(all[Random.Shared.Next(all.Length)]);
                }
            }
            else if (count >= all.Length)
            {
                chosen.AddRange(all);
            }
            else
            {
                Random.Shared.Shuffle(all);
                chosen.AddRange(all.AsSpan(0, (int)count));
            }

            // RESP3 pairs each field with its value in an array of two; RESP2 flattens them, as Redis does.
            bool pairs = withValues && reply.IsResp3;
            reply.ArrayHeader(chosen.Count * (withValues && !pairs ? 2 : 1));
            foreach (var (field, value) in chosen)
            {
                if (pairs)
                {
                    reply.ArrayHeader(2);
                }

                reply.Bulk(field);
                if (withValues)
                {
                    reply.Bulk(value);
                }
            }
        }
    }

    /// <summary>HSCAN key cursor [MATCH pattern] [COUNT count].</summary>
    private static void HScan(ref CommandContext context)
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
            // A listpack is returned whole with cursor 0 whatever COUNT says, as Redis does; a hashtable
            // page by page, COUNT fields at a time, MATCH applied to each page.
            var matches = new List<KeyValuePair<byte[], byte[]>>();
            ulong next = 0;
            if (store.TryGetHash(context[1], out HashValue hash))
            {
                if (hash.Encoding == "listpack")
                {
                    matches.AddRange(hash.Fields);
                }
                else
                {
                    next = hash.Scan(cursor, count, matches);
                }

                if (!all)
                {
                    int kept = 0;
                    for (int i = 0; i < matches.Count; i++)
                    {
                        if (GlobPattern.IsMatch(pattern, matches[i].Key))
                        {
                            matches[kept++] = matches[i];
                        }
                    }

                    matches.RemoveRange(kept, matches.Count - kept);
                }
            }

            reply.ArrayHeader(2);
            reply.Bulk((long)next);
            reply.ArrayHeader(matches.Count * 2);
            foreach (var (field, value) in matches)
            {
                reply.Bulk(field);
                reply.Bulk(value);
            }
        }
    }
}
