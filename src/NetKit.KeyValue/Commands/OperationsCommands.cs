using System.Globalization;

namespace NetKit.KeyValue;

/// <summary>Commands for running the server: SHUTDOWN, SLOWLOG, LATENCY, WAIT, CLIENT KILL, and CONFIG SET of
/// the settings that can change at run time.</summary>
internal static class OperationsCommands
{
    public static void Register(CommandTable table)
    {
        const CommandFlags Anytime = CommandFlags.Loading | CommandFlags.Stale;
        table.Add(new CommandSpec("shutdown", -1, CommandFlags.Admin | Anytime | CommandFlags.NoAuth | CommandFlags.NoMulti, Shutdown, "server",
            "Synchronously saves the database(s) to disk and shuts down the Redis server."));
        table.Add(new CommandSpec("slowlog", -2, CommandFlags.Admin | Anytime, SlowLogCommand, "server",
            "A container for slow log commands."));
        table.Add(new CommandSpec("latency", -2, CommandFlags.Admin | Anytime, Latency, "server",
            "A container for latency diagnostics commands."));
        table.Add(new CommandSpec("wait", 3, CommandFlags.None, Wait, "generic",
            "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed."));
    }

    private static void Shutdown(ref CommandContext context)
    {
        // Redis 7.0: SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. There is no RDB to save, and the log is
        // always written, synced and closed on the way out (the server's stop path), so SAVE and NOSAVE alike
        // stop the server; ABORT has no shutdown in progress to abort.
        if (!context.Session.Authenticated && context.Database.RequiresPassword)
        {
            // Allowed before AUTH only so that Redis's own reply comes: an unauthenticated client may not stop it.
            context.Reply.Error("NOAUTH Authentication required."u8);
            return;
        }

        for (int i = 1; i < context.Count; i++)
        {
            if (context.Is(i, "ABORT"u8) && context.Count == 2)
            {
                context.Reply.Error("ERR No shutdown in progress."u8);
                return;
            }

            if (!(context.Is(i, "NOSAVE"u8) || context.Is(i, "SAVE"u8) || context.Is(i, "NOW"u8) || context.Is(i, "FORCE"u8)))
            {
                context.SyntaxError();
                return;
            }
        }

        if (context.Database.Shutdown is not { } shutdown)
        {
            context.Reply.Error("ERR Errors trying to SHUTDOWN. Check logs."u8);
            return;
        }

        // As Redis: no reply; the connection closes as the server stops.
        context.CloseConnection = true;
        shutdown();
    }

    private static void SlowLogCommand(ref CommandContext context)
    {
        var reply = context.Reply;
        var slowLog = context.Database.SlowLog;
        if (context.Is(1, "GET"u8) && context.Count is 2 or 3)
        {
            long count = 10;
            if (context.Count == 3 && (!CommandContext.TryParseInteger(context[2], out count) || count < -1))
            {
                reply.Error("ERR count should be greater than or equal to -1"u8);
                return;
            }

            var entries = slowLog.Newest(count);
            reply.ArrayHeader(entries.Count);
            foreach (var entry in entries)
            {
                reply.ArrayHeader(6);
                reply.Integer(entry.Id);
                reply.Integer(entry.UnixSeconds);
                reply.Integer(entry.Micros);
                reply.ArrayHeader(entry.Arguments.Length);
                foreach (string argument in entry.Arguments)
                {
                    reply.Bulk(argument);
                }

                reply.Bulk(entry.Peer);
                reply.Bulk(entry.ClientName);
            }
        }
        else if (context.Is(1, "LEN"u8) && context.Count == 2)
        {
            reply.Integer(slowLog.Count);
        }
        else if (context.Is(1, "RESET"u8) && context.Count == 2)
        {
            slowLog.Reset();
            reply.Ok();
        }
        else if (context.Is(1, "HELP"u8) && context.Count == 2)
        {
            Subcommands.Help(reply, "SLOWLOG",
            [
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog.",
            ]);
        }
        else
        {
            Subcommands.UnknownOrWrongArity(ref context, "slowlog", ["GET", "LEN", "RESET", "HELP"]);
        }
    }

    private static void Latency(ref CommandContext context)
    {
        // Redis's latency monitor is off by default (latency-monitor-threshold 0) and kv has none: LATEST
        // and HISTORY have no events to report, RESET none to reset.
        var reply = context.Reply;
        if (context.Is(1, "LATEST"u8) && context.Count == 2)
        {
            reply.ArrayHeader(0);
        }
        else if (context.Is(1, "HISTORY"u8) && context.Count == 3)
        {
            reply.ArrayHeader(0);
        }
        else if (context.Is(1, "RESET"u8))
        {
            reply.Integer(0);
        }
        else if (context.Is(1, "HELP"u8) && context.Count == 2)
        {
            Subcommands.Help(reply, "LATENCY",
            [
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)",
            ]);
        }
        else
        {
            Subcommands.UnknownOrWrongArity(ref context, "latency", ["LATEST", "HISTORY", "RESET", "HELP"]);
        }
    }

    private static void Wait(ref CommandContext context)
    {
        // No replicas: every WAIT is satisfied at once by the zero replicas there are, as Redis answers it.
        if (!context.TryInteger(1, out _))
        {
            return;
        }

        if (!CommandContext.TryParseInteger(context[2], out long timeout) || timeout < 0)
        {
            context.Reply.Error("ERR timeout is negative"u8);
            return;
        }

        context.Reply.Integer(0);
    }

    /// <summary>CLIENT KILL ip:port | CLIENT KILL [ID id] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no] [USER name] [TYPE normal]:
    /// the first form replies +OK or an error, the second the number of clients killed.</summary>
    public static void ClientKill(ref CommandContext context)
    {
        var reply = context.Reply;
        var database = context.Database;
        if (context.Count == 3)
        {
            string address = context.ArgString(2);
            var target = database.Clients.FirstOrDefault(c => c.RemoteEndPoint?.ToString() == address);
            if (target is null)
            {
                reply.Error("ERR No such client"u8);
                return;
            }

            reply.Ok();
            Kill(ref context, target);
            return;
        }

        if (context.Count < 4 || context.Count % 2 != 0)
        {
            context.SyntaxError();
            return;
        }

        long? id = null;
        string? addr = null, laddr = null;
        bool? pubsub = null;
        bool skipMe = true;
        for (int i = 2; i < context.Count; i += 2)
        {
            string value = context.ArgString(i + 1);
            if (context.Is(i, "ID"u8))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) || parsed <= 0)
                {
                    reply.Error("ERR client-id should be greater than 0"u8);
                    return;
                }

                id = parsed;
            }
            else if (context.Is(i, "ADDR"u8))
            {
                addr = value;
            }
            else if (context.Is(i, "LADDR"u8))
            {
                laddr = value;
            }
            else if (context.Is(i, "SKIPME"u8))
            {
                if (!value.Equals("yes", StringComparison.OrdinalIgnoreCase) && !value.Equals("no", StringComparison.OrdinalIgnoreCase))
                {
                    context.SyntaxError();
                    return;
                }

                skipMe = value.Equals("yes", StringComparison.OrdinalIgnoreCase);
            }
            else if (context.Is(i, "TYPE"u8))
            {
                if (!value.Equals("normal", StringComparison.OrdinalIgnoreCase) && !value.Equals("master", StringComparison.OrdinalIgnoreCase)
                    && !value.Equals("replica", StringComparison.OrdinalIgnoreCase) && !value.Equals("slave", StringComparison.OrdinalIgnoreCase)
                    && !value.Equals("pubsub", StringComparison.OrdinalIgnoreCase))
                {
                    reply.Error($"ERR Unknown client type '{value}'");
                    return;
                }

                if (value.Equals("normal", StringComparison.OrdinalIgnoreCase) || value.Equals("pubsub", StringComparison.OrdinalIgnoreCase))
                {
                    // As Redis's getClientType: a subscribed client is pubsub, any other (a monitor too) normal.
                    pubsub = value.Equals("pubsub", StringComparison.OrdinalIgnoreCase);
                }
                else
                {
                    // kv has no master or replicas.
                    addr = "\0none";
                }
            }
            else if (context.Is(i, "USER"u8))
            {
                if (value != "default")
                {
                    reply.Error($"ERR No such user '{value}'");
                    return;
                }
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }

        var self = context.Session;
        var targets = database.Clients.Where(c =>
            (id is null || c.Id == id) && (addr is null || c.RemoteEndPoint?.ToString() == addr)
            && (laddr is null || c.LocalEndPoint?.ToString() == laddr) && (pubsub is null || c.PubSub.IsSubscribed == pubsub)
            && !(skipMe && c == self)).ToList();
        reply.Integer(targets.Count);
        foreach (var target in targets)
        {
            Kill(ref context, target);
        }
    }

    private static void Kill(ref CommandContext context, ClientSession target)
    {
        if (target == context.Session)
        {
            // Killing itself: the reply goes first, then the connection closes, as Redis's CLOSE_AFTER_REPLY.
            context.CloseConnection = true;
        }
        else
        {
            context.Database.KillConnection?.Invoke(target.ConnectionId);
        }
    }
}
