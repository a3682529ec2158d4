namespace NetKit.KeyValue;

/// <summary>DUMP and RESTORE, with Redis 7.0's payload (see <see cref="RdbPayload"/>), options and errors.</summary>
internal static class DumpCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("dump", 2, CommandFlags.ReadOnly, Dump, "generic",
            "Returns a serialized representation of the value stored at a key.", 1, 1, 1));
        table.Add(new CommandSpec("restore", -4, CommandFlags.Write | CommandFlags.DenyOom, Restore, "generic",
            "Creates a key from the serialized representation of a value.", 1, 1, 1));
    }

    private static void Dump(ref CommandContext context)
    {
        var store = context.Store;
        byte[] payload;
        lock (store.WriteLock)
        {
            bool hit = store.TryGetValue(context[1], out object value);
            context.CountLookup(hit);
            if (!hit)
            {
                context.Reply.Null();
                return;
            }

            payload = RdbPayload.Dump(value);
        }

        context.Reply.Bulk(payload);
    }

    /// <summary>RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency].</summary>
    private static void Restore(ref CommandContext context)
    {
        var reply = context.Reply;
        bool replace = false, absolute = false;
        long idle = -1, frequency = -1;
        for (int i = 4; i < context.Count; i++)
        {
            bool more = i + 1 < context.Count;
            if (context.Is(i, "REPLACE"u8))
            {
                replace = true;
            }
            else if (context.Is(i, "ABSTTL"u8))
            {
                absolute = true;
            }
            else if (context.Is(i, "IDLETIME"u8) && more && frequency == -1)
            {
                if (!context.TryInteger(++i, out idle))
                {
                    return;
                }

                if (idle < 0)
                {
                    reply.Error("ERR Invalid IDLETIME value, must be >= 0"u8);
                    return;
                }
            }
            else if (context.Is(i, "FREQ"u8) && more && idle == -1)
            {
                if (!context.TryInteger(++i, out frequency))
                {
                    return;
                }

                if (frequency is < 0 or > 255)
                {
                    reply.Error("ERR Invalid FREQ value, must be >= 0 and <= 255"u8);
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
            if (!replace && store.ContainsKey(context[1]))
            {
                reply.Error("BUSYKEY Target key name already exists."u8);
                return;
            }

            if (!context.TryInteger(2, out long ttl))
            {
                return;
            }

            if (ttl < 0)
            {
                reply.Error("ERR Invalid TTL value, must be >= 0"u8);
                return;
            }

            if (!RdbPayload.IsIntact(context[3]))
            {
                reply.Error("ERR DUMP payload version or checksum are wrong"u8);
                return;
            }

            var databases = store.Databases;
            if (!RdbPayload.TryRead(context[3], databases.HashMaxListpackEntries, databases.HashMaxListpackValue, out object value, databases.SetMaxIntsetEntries))
            {
                reply.Error("ERR Bad data format"u8);
                return;
            }

            (value as SortedSetValue)?.ChooseEncoding(databases.ZsetMaxListpackEntries, databases.ZsetMaxListpackValue);
            bool deleted = replace && store.RemoveLocked(context[1]);

            long now = store.NowMs;
            long expiresAtMs = ttl == 0 ? 0 : absolute ? ttl : ttl > long.MaxValue - now ? long.MaxValue : now + ttl;
            // A time already past leaves no key (the old one, with REPLACE, is deleted), as in Redis.
            if (expiresAtMs == 0 || expiresAtMs > now)
            {
                store.PutLocked(context[1], value, expiresAtMs);
                store.Access.Restored(context[1], now, idle, (int)frequency);
                store.Notify(KeyspaceEventClass.Generic, "restore"u8, context[1]);
            }
            else if (deleted)
            {
                store.Notify(KeyspaceEventClass.Generic, "del"u8, context[1]);
            }
        }

        reply.Ok();
    }
}
