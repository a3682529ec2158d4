using System.Text;

namespace NetKit.KeyValue;

/// <summary>Commands about the connection itself: PING, ECHO, QUIT, AUTH, HELLO, SELECT, CLIENT.</summary>
internal static class ConnectionCommands
{
    public static void Register(CommandTable table)
    {
        // The issue allows exactly these four before AUTH: enough to authenticate, probe and leave.
        const CommandFlags PreAuth = CommandFlags.Fast | CommandFlags.NoAuth | CommandFlags.Loading | CommandFlags.Stale;
        table.Add(new CommandSpec("ping", -1, PreAuth, Ping, "connection", "Returns the server's liveliness response."));
        table.Add(new CommandSpec("echo", 2, CommandFlags.Fast, Echo, "connection", "Returns the given string."));
        table.Add(new CommandSpec("quit", -1, PreAuth, Quit, "connection", "Closes the connection."));
        table.Add(new CommandSpec("auth", -2, PreAuth, Auth, "connection", "Authenticates the connection."));
        table.Add(new CommandSpec("hello", -1, PreAuth, Hello, "connection", "Handshakes with the Redis server."));
        table.Add(new CommandSpec("select", 2, CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale, Select, "connection",
            "Changes the selected database."));
        table.Add(new CommandSpec("client", -2, CommandFlags.Loading | CommandFlags.Stale, Client, "connection",
            "A container for client connection commands."));
    }

    private static void Ping(ref CommandContext context)
    {
        if (context.Count > 2)
        {
            context.WrongArity();
        }
        else if (context.Count == 2)
        {
            context.Reply.Bulk(context[1]);
        }
        else
        {
            context.Reply.Simple("PONG"u8);
        }
    }

    private static void Echo(ref CommandContext context) => context.Reply.Bulk(context[1]);

    private static void Quit(ref CommandContext context)
    {
        // RESP clients expect +OK before the close; the seed's text protocol closes without a reply.
        if (context.Reply.IsResp)
        {
            context.Reply.Ok();
        }

        context.CloseConnection = true;
    }

    private static void Auth(ref CommandContext context)
    {
        if (context.Count > 3)
        {
            context.SyntaxError();
            return;
        }

        if (context.Count == 2 && !context.Database.RequiresPassword)
        {
            // Redis keeps the old error for the one-argument form when no password is set, because
            // it almost always means a client configured with a password the server does not expect.
            context.Reply.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"u8);
            return;
        }

        bool ok = context.Count == 2
            ? CompleteAuth(ref context, "default"u8, context[1])
            : CompleteAuth(ref context, context[1], context[2]);
        if (ok)
        {
            context.Reply.Ok();
        }
    }

    /// <summary>Authenticates the session or writes WRONGPASS. Only the "default" user exists; with no
    /// password configured it accepts any password, as Redis's "nopass" default user does.</summary>
    private static bool CompleteAuth(ref CommandContext context, ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
    {
        var database = context.Database;
        bool ok = user.SequenceEqual("default"u8) && (!database.RequiresPassword || database.CheckPassword(password));
        if (!ok)
        {
            // As in Redis, a failed attempt leaves an earlier successful one in force.
            context.Reply.Error("WRONGPASS invalid username-password pair or user is disabled."u8);
            return false;
        }

        context.Session.Authenticated = true;
        return true;
    }

    private static void Hello(ref CommandContext context)
    {
        int next = 1;
        int protocol = context.Session.Protocol;
        if (context.Count >= 2)
        {
            if (!CommandContext.TryParseInteger(context[1], out long version))
            {
                context.Reply.Error("ERR Protocol version is not an integer or out of range"u8);
                return;
            }

            if (version is not (2 or 3))
            {
                context.Reply.Error("NOPROTO unsupported protocol version"u8);
                return;
            }

            protocol = (int)version;
            next = 2;
        }

        int authAt = -1, nameAt = -1;
        for (int i = next; i < context.Count; i++)
        {
            int more = context.Count - 1 - i;
            if (context.Is(i, "AUTH"u8) && more >= 2)
            {
                authAt = i + 1;
                i += 2;
            }
            else if (context.Is(i, "SETNAME"u8) && more >= 1)
            {
                nameAt = i + 1;
                i++;
            }
            else
            {
                context.Reply.Error($"ERR Syntax error in HELLO option '{context.ArgString(i)}'");
                return;
            }
        }

        if (authAt > 0 && !CompleteAuth(ref context, context[authAt], context[authAt + 1]))
        {
            return;
        }

        if (!context.Session.Authenticated)
        {
            context.Reply.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"u8);
            return;
        }

        if (nameAt > 0 && !TrySetName(ref context, nameAt))
        {
            return;
        }

        // The reply is already in the protocol chosen, as Redis switches before it answers.
        context.Session.Protocol = protocol;
        var reply = context.Reply.Mode == ReplyMode.Text
            ? context.Reply
            : new ReplyWriter(context.Reply.Output, protocol == 3 ? ReplyMode.Resp3 : ReplyMode.Resp);
        reply.MapHeader(7);
        reply.Bulk("server"u8);
        reply.Bulk("redis"u8);
        reply.Bulk("version"u8);
        reply.Bulk(ServerInfo.RedisVersion);
        reply.Bulk("proto"u8);
        reply.Integer(protocol);
        reply.Bulk("id"u8);
        reply.Integer(context.Session.Id);
        reply.Bulk("mode"u8);
        reply.Bulk("standalone"u8);
        reply.Bulk("role"u8);
        reply.Bulk("master"u8);
        reply.Bulk("modules"u8);
        reply.ArrayHeader(0);
    }

    /// <summary>CLIENT REPLY: OFF and SKIP are not answered (their reply would be the first one dropped), ON is.</summary>
    private static void ClientReply(ref CommandContext context)
    {
        var session = context.Session;
        if (context.Is(2, "ON"u8))
        {
            session.Replies = ReplySwitch.On;
            context.Push.Ok();
        }
        else if (context.Is(2, "OFF"u8))
        {
            session.Replies = ReplySwitch.Off;
        }
        else if (context.Is(2, "SKIP"u8))
        {
            // As Redis: a SKIP while OFF does nothing; one while skipping (its own reply dropped) skips the next.
            if (session.Replies != ReplySwitch.Off)
            {
                session.Replies = ReplySwitch.SkipNext;
            }
        }
        else
        {
            context.SyntaxError();
        }
    }

    private static void Select(ref CommandContext context) => DatabaseCommands.Select(ref context);

    private static void Client(ref CommandContext context)
    {
        var reply = context.Reply;
        if (context.Is(1, "ID"u8) && RequireArity(ref context, 2))
        {
            reply.Integer(context.Session.Id);
        }
        else if (context.Is(1, "GETNAME"u8) && RequireArity(ref context, 2))
        {
            if (context.Session.Name is { } name)
            {
                reply.Bulk(name);
            }
            else
            {
                reply.Null();
            }
        }
        else if (context.Is(1, "SETNAME"u8) && RequireArity(ref context, 3))
        {
            if (TrySetName(ref context, 2))
            {
                reply.Ok();
            }
        }
        else if (context.Is(1, "LIST"u8))
        {
            ClientList(ref context);
        }
        else if (context.Is(1, "KILL"u8) && context.Count >= 3)
        {
            OperationsCommands.ClientKill(ref context);
        }
        else if (context.Is(1, "PAUSE"u8) && context.Count >= 3)
        {
            ClientPauseCommands.Pause(ref context);
        }
        else if (context.Is(1, "UNBLOCK"u8) && context.Count is 3 or 4)
        {
            BlockingListCommands.Unblock(ref context);
        }
        else if (context.Is(1, "UNPAUSE"u8) && RequireArity(ref context, 2))
        {
            ClientPauseCommands.Unpause(ref context);
        }
        else if (context.Is(1, "INFO"u8) && RequireArity(ref context, 2))
        {
            reply.Verbatim(ClientListFormatter.Line(context.Session, context.Store.NowMs));
        }
        else if (context.Is(1, "REPLY"u8) && RequireArity(ref context, 3))
        {
            ClientReply(ref context);
        }
        else if (context.Is(1, "SETINFO"u8) && RequireArity(ref context, 4))
        {
            // Client libraries announce their name and version; accepted so they connect cleanly.
            if (context.Is(2, "LIB-NAME"u8) || context.Is(2, "LIB-VER"u8))
            {
                reply.Ok();
            }
            else
            {
                reply.Error($"ERR Unrecognized option '{context.ArgString(2)}'");
            }
        }
        else if ((context.Is(1, "NO-EVICT"u8) || context.Is(1, "NO-TOUCH"u8)) && RequireArity(ref context, 3))
        {
            // Accepted for the clients that send them; kv keeps no per-client exemption from eviction or access tracking.
            if (context.Is(2, "ON"u8) || context.Is(2, "OFF"u8))
            {
                reply.Ok();
            }
            else
            {
                context.SyntaxError();
            }
        }
        else if (context.Is(1, "HELP"u8) && RequireArity(ref context, 2))
        {
            string[] lines =
            [
                "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GETNAME", "    Return the name of the current connection.",
                "ID", "    Return the ID of the current connection.",
                "INFO", "    Return information about the current client connection.",
                "LIST [TYPE normal] [ID <id> [<id> ...]]", "    Return information about client connections.",
                "UNPAUSE", "    Stop the current client pause, resuming traffic.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]", "    Unblock the specified blocked client.",
                "PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
                "SETNAME <name>", "    Assign the name <name> to the current connection.",
                "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
                "SETINFO <LIB-NAME|LIB-VER> <value>", "    Accepted for client libraries; not stored.",
                "NO-EVICT (ON|OFF)", "    Accepted; this client's commands may still evict.",
                "NO-TOUCH (ON|OFF)", "    Accepted; access times are not tracked.",
                "HELP", "    Print this help.",
            ];
            reply.ArrayHeader(lines.Length);
            foreach (string line in lines)
            {
                reply.Simple(Encoding.UTF8.GetBytes(line));
            }
        }
        else if (!IsKnownClientSubcommand(ref context))
        {
            reply.Error($"ERR unknown subcommand '{Truncate(context.ArgString(1))}'. Try CLIENT HELP.");
        }
    }

    private static void ClientList(ref CommandContext context)
    {
        // CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id [id ...]]
        HashSet<long>? ids = null;
        bool onlyNone = false;
        bool? subscribers = null;
        for (int i = 2; i < context.Count; i++)
        {
            if (context.Is(i, "TYPE"u8) && i + 1 < context.Count)
            {
                i++;
                if (context.Is(i, "NORMAL"u8) || context.Is(i, "PUBSUB"u8))
                {
                    // Redis's client types: a subscriber is pubsub; anyone else, a monitor too, is normal.
                    subscribers = context.Is(i, "PUBSUB"u8);
                    continue;
                }

                if (context.Is(i, "MASTER"u8) || context.Is(i, "REPLICA"u8) || context.Is(i, "SLAVE"u8))
                {
                    onlyNone = true;
                    continue;
                }

                context.Reply.Error($"ERR Unknown client type '{context.ArgString(i)}'");
                return;
            }

            if (context.Is(i, "ID"u8) && i + 1 < context.Count)
            {
                ids ??= [];
                for (i++; i < context.Count; i++)
                {
                    if (!CommandContext.TryParseInteger(context[i], out long id) || id <= 0)
                    {
                        context.Reply.Error("ERR Invalid client ID"u8);
                        return;
                    }

                    ids.Add(id);
                }

                break;
            }

            context.SyntaxError();
            return;
        }

        var text = new StringBuilder();
        if (!onlyNone)
        {
            long now = context.Store.NowMs;
            foreach (var client in context.Database.Clients.OrderBy(c => c.Id))
            {
                if ((ids is null || ids.Contains(client.Id))
                    && (subscribers is not { } pubsub || client.PubSub.IsSubscribed == pubsub))
                {
                    text.Append(ClientListFormatter.Line(client, now));
                }
            }
        }

        context.Reply.Verbatim(text.ToString());
    }

    /// <summary>True (after writing the arity error) for a known subcommand called with the wrong number of arguments.</summary>
    private static bool IsKnownClientSubcommand(ref CommandContext context)
    {
        ReadOnlySpan<string> known = ["ID", "KILL", "GETNAME", "SETNAME", "INFO", "SETINFO", "NO-EVICT", "NO-TOUCH", "HELP", "PAUSE", "UNPAUSE", "REPLY", "UNBLOCK"];
        foreach (string name in known)
        {
            if (context.Is(1, Encoding.ASCII.GetBytes(name)))
            {
                context.Reply.Error($"ERR wrong number of arguments for 'client|{name.ToLowerInvariant()}' command");
                return true;
            }
        }

        return false;
    }

    private static bool RequireArity(ref CommandContext context, int count) => context.Count == count;

    /// <summary>Sets (or, given an empty name, clears) the session's name; false after writing Redis's error.</summary>
    private static bool TrySetName(ref CommandContext context, int index)
    {
        ReadOnlySpan<byte> name = context[index];
        foreach (byte b in name)
        {
            // Redis's rule: CLIENT LIST is space-separated, so names are printable ASCII without spaces.
            if (b < (byte)'!' || b > (byte)'~')
            {
                context.Reply.Error("ERR Client names cannot contain spaces, newlines or special characters."u8);
                return false;
            }
        }

        context.Session.Name = name.IsEmpty ? null : Encoding.ASCII.GetString(name);
        return true;
    }

    private static string Truncate(string text) => text.Length > 128 ? text[..128] : text;
}
