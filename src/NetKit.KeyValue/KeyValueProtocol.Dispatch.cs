using System.Buffers;
using System.Diagnostics;
using NetKit.Connections;
using NetKit.Protocols;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>One parsed command's way in: admission (known, arity, auth, mode, the log's health, memory), MULTI queueing, running it, and what it means for the log and the slow log.</summary>
public sealed partial class KeyValueProtocol
{
    private void Dispatch(ref CommandContext context)
    {
        // In a pipeline the previous command's end is this one's start: one clock read a command, not two.
        long started = _lastCommandEnded != 0 ? _lastCommandEnded : Stopwatch.GetTimestamp();
        _lastCommandEnded = 0;
        _commandStarted = started;
        bool fixedTime = CommandTime.Fix(_database.Store.TimeProvider, started);
        try
        {
            if (Session.Replies == ReplySwitch.On)
            {
                DispatchAtFixedTime(ref context);
            }
            else
            {
                DispatchSilenced(ref context);
            }
        }
        finally
        {
            CommandTime.Release(fixedTime);
        }
    }

    /// <summary>CLIENT REPLY OFF or SKIP: the command runs, its replies (errors included) are dropped, as Redis drops
    /// them; a SKIP lasts one command.</summary>
    private void DispatchSilenced(ref CommandContext context)
    {
        if (Session.Replies == ReplySwitch.SkipNext)
        {
            Session.Replies = ReplySwitch.Skipping;
        }

        var silenced = context.Silenced();
        DispatchAtFixedTime(ref silenced);
        context.CloseConnection = silenced.CloseConnection;
        if (Session.Replies == ReplySwitch.Skipping)
        {
            // A held command (CLIENT PAUSE) runs again later: the skip is still its to use.
            Session.Replies = _holding ? ReplySwitch.SkipNext : ReplySwitch.On;
        }
    }

    private void DispatchAtFixedTime(ref CommandContext context)
    {
        var transaction = Session.Transaction;
        var pubsub = Session.PubSub;
        if (!TryAdmit(ref context, out CommandSpec? spec) || (pubsub.InSpecialMode && !AdmitInMode(ref context, spec)))
        {
            // As Redis's rejectCommand: a command refused while queueing makes its EXEC fail.
            transaction.Aborted |= transaction.InMulti;
            return;
        }

        if (_database.Pause.Active && !pubsub.Monitoring
            && _database.Pause.TryHold(pubsub, ClientPauseCommands.IsHeldByWritePause(spec, Session)))
        {
            // Redis pauses a command before it is queued or run; monitors, replicas to Redis, never wait.
            _holding = true;
            return;
        }

        // RESET runs at once inside MULTI, as Redis has it.
        if (transaction.InMulti && !TransactionCommands.RunsInsideMulti(spec) && spec.Name != "reset")
        {
            transaction.Queue(context.Request, context.Arguments);
            context.Reply.Simple("QUEUED"u8);
            return;
        }

        if (pubsub.InSpecialMode && pubsub.IsSubscribed && Session.Protocol == 2 && spec.Name == "ping")
        {
            spec = SubscribedPing;
        }

        long started = _commandStarted;
        if (ReferenceEquals(spec, ExecSpec))
        {
            RunExec(ref context, spec, pubsub);
        }
        else
        {
            CommandExecution.Run(ref context, spec);
        }

        // Clients blocked on lists this command (or EXEC) pushed to are served now that it is done.
        _database.Databases.Blocking.ServeReady();

        if (RequestMetrics.Enabled)
        {
            RequestMetrics.Record(started, KeyValueService.Definition.Name, spec.Name);
        }

        // The threshold is read after the command, as Redis reads it: a CONFIG SET of it is judged by its new value.
        long slowerThan = _database.Settings.SlowlogSlowerThan;
        if (slowerThan >= 0)
        {
            long ended = Stopwatch.GetTimestamp();
            _lastCommandEnded = ended;
            long micros = (long)Stopwatch.GetElapsedTime(started, ended).TotalMicroseconds;
            // AUTH and HELLO carry passwords: Redis keeps them out of the slow log (CMD_SKIP_SLOWLOG).
            if (micros >= slowerThan && spec.Name is not ("auth" or "hello"))
            {
                _database.SlowLog.Add(ref context, _database.Store.NowMs / 1000, micros, _database.Settings.SlowlogMaxLength);
            }
        }

        if ((spec.Flags & (CommandFlags.Write | CommandFlags.RunsCommands)) != 0 && _database.Log is { } log)
        {
            _awaitingDurable = log.AppendedSequence;
        }
    }

    /// <summary>EXEC, marked as running its queue while it does (see <see cref="PubSubSession.InsideExec"/>).</summary>
    private static void RunExec(ref CommandContext context, CommandSpec spec, PubSubSession pubsub)
    {
        pubsub.InsideExec = true;
        try
        {
            CommandExecution.Run(ref context, spec);
        }
        finally
        {
            pubsub.InsideExec = false;
        }
    }

    /// <summary>
    /// Redis's checks of the client's mode, after <see cref="TryAdmit"/>'s: in RESP2 a subscribed client may only
    /// (un)subscribe, PING, QUIT and RESET; a monitor (a replica, to Redis) may not touch the keyspace.
    /// </summary>
    private bool AdmitInMode(ref CommandContext context, CommandSpec spec)
    {
        var pubsub = Session.PubSub;
        // RESP3 carries pushes apart from replies, so there a subscriber may run anything, as in Redis.
        if (pubsub.IsSubscribed && Session.Protocol == 2 && !PubSubCommands.AllowedWhileSubscribed(spec))
        {
            context.Reply.Error(PubSubCommands.RefusedWhileSubscribed(ref context, spec));
            return false;
        }

        if (pubsub.Monitoring && ClientPauseCommands.TouchesKeyspace(spec, Session))
        {
            context.Reply.Error("ERR Replica can't interact with the keyspace"u8);
            return false;
        }

        return true;
    }

    /// <summary>The checks before a command runs or is queued: known, arity, authentication, the log's health, memory.</summary>
    private bool TryAdmit(ref CommandContext context, out CommandSpec spec)
    {
        var reply = context.Reply;
        if (!_commands.TryGet(context[0], out spec!))
        {
            UnknownCommandError.Write(ref context);
            return false;
        }

        if (!spec.AcceptsArgumentCount(context.Count))
        {
            context.WrongArity();
            return false;
        }

        if (!Session.Authenticated && (spec.Flags & CommandFlags.NoAuth) == 0)
        {
            reply.Error("NOAUTH Authentication required."u8);
            return false;
        }

        if ((spec.Flags & CommandFlags.NoMulti) != 0 && Session.Transaction.InMulti)
        {
            reply.Error("ERR Command not allowed inside a transaction"u8);
            return false;
        }

        if ((spec.Flags & CommandFlags.Write) != 0 && _database.Log?.LastWriteError is { } logError)
        {
            // An acknowledged write must be durable: while the log cannot be written, refuse writes up
            // front rather than take them and fail their replies.
            reply.Error($"MISCONF Errors writing to the AOF file: {logError}");
            return false;
        }

        if (TransactionCommands.RefusedOverMaxMemory(spec, Session.Transaction.InMulti) && _database.IsOverMaxMemory
            && !MemoryEviction.EvictToFit(_database))
        {
            reply.Error("OOM command not allowed when used memory > 'maxmemory'."u8);
            return false;
        }

        return true;
    }

    /// <summary>Whether the request whose name lies at <paramref name="name"/> may block (see <see cref="CommandFlags.MayBlock"/>).</summary>
    private bool MayBlock(in ReadOnlySequence<byte> request, ArgRange name)
    {
        if (name.Length is 0 or > 32)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[name.Length];
        request.Slice(name.Start, name.Length).CopyTo(bytes);
        return _commands.TryGet(bytes, out var spec) && (spec.Flags & CommandFlags.MayBlock) != 0;
    }
}
