namespace NetKit.KeyValue;

/// <summary>
/// MULTI, EXEC, DISCARD, WATCH, UNWATCH, as Redis has them. EXEC runs its queue holding the write lock that
/// every database shares, so no other client's change comes between its commands, and marks the databases
/// as in an exclusive change, so lock-free reads wait for it too; its changes are journaled between MULTI
/// and EXEC records, which a replay applies whole or not at all.
/// </summary>
internal static class TransactionCommands
{
    private const CommandFlags Anytime = CommandFlags.Loading | CommandFlags.Stale;

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("multi", 1, CommandFlags.Fast | Anytime, Multi, "transactions", "Starts a transaction."));
        // MayBlock: the queue may hold KEYS or FLUSHALL, which must not run on an event-loop thread.
        table.Add(new CommandSpec("exec", 1, Anytime | CommandFlags.MayBlock | CommandFlags.RunsCommands, Exec, "transactions", "Executes all commands in a transaction."));
        table.Add(new CommandSpec("discard", 1, CommandFlags.Fast | Anytime, Discard, "transactions", "Discards a transaction."));
        table.Add(new CommandSpec("watch", -2, CommandFlags.Fast | Anytime, Watch, "transactions",
            "Monitors changes to keys to determine the execution of a transaction.", 1, -1, 1));
        table.Add(new CommandSpec("unwatch", 1, CommandFlags.Fast | Anytime, Unwatch, "transactions", "Forgets about watched keys of a transaction."));
    }

    /// <summary>Commands that run at once inside MULTI instead of being queued (Redis's list, RESET aside).</summary>
    public static bool RunsInsideMulti(CommandSpec spec) =>
        spec.Name is "exec" or "discard" or "multi" or "watch" or "quit";

    /// <summary>Whether <paramref name="spec"/> is refused with -OOM over maxmemory: a command that adds data, and
    /// inside MULTI any command but EXEC, DISCARD and QUIT, as Redis refuses them (a queue may grow without bound).</summary>
    public static bool RefusedOverMaxMemory(CommandSpec spec, bool inMulti) =>
        (spec.Flags & CommandFlags.DenyOom) != 0 || (inMulti && spec.Name is not ("exec" or "discard" or "quit" or "reset"));

    /// <summary>Forgets every key the client watches (EXEC, DISCARD, UNWATCH, disconnection).</summary>
    public static void UnwatchAll(ClientSession session, KeyValueStore anyDatabase)
    {
        var watched = session.Transaction.Watched;
        if (watched.Count == 0)
        {
            return;
        }

        var databases = anyDatabase.Databases;
        lock (databases.WriteLock)
        {
            foreach (var (index, key) in watched)
            {
                databases[index].UnwatchLocked(key, session);
            }
        }

        watched.Clear();
    }

    private static void Multi(ref CommandContext context)
    {
        var transaction = context.Session.Transaction;
        if (transaction.InMulti)
        {
            context.Reply.Error("ERR MULTI calls can not be nested"u8);
            return;
        }

        transaction.Begin();
        context.Reply.Ok();
    }

    private static void Discard(ref CommandContext context)
    {
        var transaction = context.Session.Transaction;
        if (!transaction.InMulti)
        {
            context.Reply.Error("ERR DISCARD without MULTI"u8);
            return;
        }

        Finish(ref context);
        context.Reply.Ok();
    }

    private static void Watch(ref CommandContext context)
    {
        var session = context.Session;
        if (session.Transaction.InMulti)
        {
            context.Reply.Error("ERR WATCH inside MULTI is not allowed"u8);
            return;
        }

        var store = context.Store;
        var watched = session.Transaction.Watched;
        lock (store.WriteLock)
        {
            for (int i = 1; i < context.Count; i++)
            {
                // Looked up first so that a key already past its time is removed now and its expiry does
                // not count as a change later (Redis: "WATCH stale keys should not fail EXEC").
                store.ContainsKey(context[i]);
                byte[] key = context[i].ToArray();
                if (!watched.Exists(w => w.Database == store.Index && w.Key.AsSpan().SequenceEqual(key)))
                {
                    watched.Add((store.Index, key));
                    store.WatchLocked(key, session);
                }
            }
        }

        context.Reply.Ok();
    }

    private static void Unwatch(ref CommandContext context)
    {
        UnwatchAll(context.Session, context.Store);
        context.Session.WatchedKeyChanged = false;
        context.Reply.Ok();
    }

    private static void Exec(ref CommandContext context)
    {
        var session = context.Session;
        var transaction = session.Transaction;
        var reply = context.Reply;
        if (!transaction.InMulti)
        {
            reply.Error("ERR EXEC without MULTI"u8);
            return;
        }

        // Redis judges EXEC as deny-oom when anything it queued is, before anything else (its processCommand
        // refuses it before execCommand runs), and discards the transaction with that reason.
        if (context.Database.IsOverMaxMemory && transaction.Queued.Exists(QueuedDenyOom) && !MemoryEviction.EvictToFit(context.Database))
        {
            Finish(ref context);
            reply.Error("EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'."u8);
            return;
        }

        if (transaction.Aborted)
        {
            Finish(ref context);
            reply.Error("EXECABORT Transaction discarded because of previous errors."u8);
            return;
        }

        var databases = context.Store.Databases;
        var queued = transaction.Queued.ToArray();
        lock (databases.WriteLock)
        {
            foreach (var (index, key) in transaction.Watched)
            {
                // A watched key whose time has run out since is removed now, which counts as a change.
                databases[index].ContainsKey(key);
            }

            bool changed = session.WatchedKeyChanged;
            Finish(ref context);
            if (changed)
            {
                reply.NullArray();
                return;
            }

            var journal = databases.Journal;
            databases.BeginExclusiveLocked();
            journal?.BeginTransaction();
            try
            {
                reply.ArrayHeader(queued.Length);
                foreach (var command in queued)
                {
                    var inner = new CommandContext(session, context.Database, reply, command.Request, command.Arguments);
                    // Queued only once found in the table.
                    CommandTable.Default.TryGet(inner[0], out CommandSpec spec);
                    CommandExecution.Run(ref inner, spec);
                }
            }
            finally
            {
                journal?.EndTransaction();
                databases.EndExclusiveLocked();
            }
        }
    }

    private static bool QueuedDenyOom(QueuedCommand command) =>
        CommandTable.Default.TryGet(command.Request.AsSpan(command.Arguments[0].Start, command.Arguments[0].Length), out CommandSpec spec)
        && (spec.Flags & CommandFlags.DenyOom) != 0;

    private static void Finish(ref CommandContext context)
    {
        context.Session.Transaction.End();
        UnwatchAll(context.Session, context.Store);
        context.Session.WatchedKeyChanged = false;
    }
}
