using System.Globalization;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>Commands about the server: COMMAND, CONFIG, INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, BGREWRITEAOF, ROLE.</summary>
internal static class ServerCommands
{
    /// <summary>The Redis version each command appeared in (COMMAND DOCS's "since"); unlisted ones are 1.0.0.</summary>
    private static readonly Dictionary<string, string> Since = new(StringComparer.Ordinal)
    {
        ["append"] = "2.0.0", ["bgrewriteaof"] = "1.0.0", ["client"] = "2.4.0", ["command"] = "2.8.13",
        ["config"] = "2.0.0", ["expireat"] = "1.2.0", ["getdel"] = "6.2.0", ["getex"] = "6.2.0",
        ["getrange"] = "2.4.0", ["hello"] = "6.0.0", ["incrbyfloat"] = "2.6.0", ["mset"] = "1.0.1",
        ["msetnx"] = "1.0.1", ["persist"] = "2.2.0", ["pexpire"] = "2.6.0", ["pexpireat"] = "2.6.0",
        ["psetex"] = "2.6.0", ["pttl"] = "2.6.0", ["role"] = "2.8.12", ["scan"] = "2.8.0",
        ["setex"] = "2.0.0", ["setrange"] = "2.2.0", ["strlen"] = "2.2.0", ["time"] = "2.6.0",
        ["unlink"] = "4.0.0",
    };

    public static void Register(CommandTable table)
    {
        const CommandFlags Anytime = CommandFlags.Loading | CommandFlags.Stale;
        table.Add(new CommandSpec("command", -1, Anytime, Command, "server", "Returns detailed information about all commands."));
        table.Add(new CommandSpec("config", -2, CommandFlags.Admin | Anytime, Config, "server", "A container for server configuration commands."));
        table.Add(new CommandSpec("info", -1, Anytime, Info, "server", "Returns information and statistics about the server."));
        table.Add(new CommandSpec("dbsize", 1, CommandFlags.ReadOnly | CommandFlags.Fast, DbSize, "server", "Returns the number of keys in the database."));
        table.Add(new CommandSpec("flushdb", -1, CommandFlags.Write | CommandFlags.MayBlock, Flush, "server", "Removes all keys from the current database."));
        table.Add(new CommandSpec("flushall", -1, CommandFlags.Write | CommandFlags.MayBlock, Flush, "server", "Removes all keys from all databases."));
        table.Add(new CommandSpec("time", 1, CommandFlags.Fast | Anytime, Time, "server", "Returns the server time."));
        table.Add(new CommandSpec("bgrewriteaof", 1, CommandFlags.Admin, BgRewriteAof, "server", "Asynchronously rewrites the append-only file to disk."));
        // Not in the list, but client libraries (StackExchange.Redis among them) ask it to learn the
        // server's role; answering saves them a fallback to parsing INFO replication.
        table.Add(new CommandSpec("role", 1, CommandFlags.Fast | Anytime, Role, "server", "Returns the replication role."));
    }

    private static void Command(ref CommandContext context)
    {
        var reply = context.Reply;
        var all = CommandTable.Default.All;
        if (context.Count == 1)
        {
            reply.ArrayHeader(all.Count);
            foreach (var spec in all)
            {
                WriteCommandInfo(reply, spec);
            }

            return;
        }

        if (context.Is(1, "COUNT"u8) && context.Count == 2)
        {
            reply.Integer(all.Count);
        }
        else if (context.Is(1, "INFO"u8))
        {
            if (context.Count == 2)
            {
                reply.ArrayHeader(all.Count);
                foreach (var spec in all)
                {
                    WriteCommandInfo(reply, spec);
                }

                return;
            }

            reply.ArrayHeader(context.Count - 2);
            for (int i = 2; i < context.Count; i++)
            {
                if (CommandTable.Default.TryGet(context[i], out CommandSpec spec))
                {
                    WriteCommandInfo(reply, spec);
                }
                else
                {
                    reply.NullArray();
                }
            }
        }
        else if (context.Is(1, "DOCS"u8))
        {
            var specs = new List<CommandSpec>();
            if (context.Count == 2)
            {
                specs.AddRange(all);
            }

            for (int i = 2; i < context.Count; i++)
            {
                // Unknown names are left out, as in Redis.
                if (CommandTable.Default.TryGet(context[i], out CommandSpec spec))
                {
                    specs.Add(spec);
                }
            }

            // A map of maps; RESP2 flattens each: name, docs, name, docs...
            reply.MapHeader(specs.Count);
            foreach (var spec in specs)
            {
                reply.Bulk(spec.NameBytes);
                reply.MapHeader(3);
                reply.Bulk("summary"u8);
                reply.Bulk(spec.Summary);
                reply.Bulk("since"u8);
                reply.Bulk(Since.GetValueOrDefault(spec.Name, "1.0.0"));
                reply.Bulk("group"u8);
                reply.Bulk(spec.Group);
            }
        }
        else if (context.Is(1, "LIST"u8))
        {
            CommandList(ref context);
        }
        else if (context.Is(1, "GETKEYS"u8) && context.Count >= 3)
        {
            CommandGetKeys(ref context);
        }
        else if (context.Is(1, "HELP"u8) && context.Count == 2)
        {
            Help(reply,
            [
                "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "(no subcommand)", "    Return details about all commands.",
                "COUNT", "    Return the total number of commands in this server.",
                "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]", "    Return a list of all commands in this server.",
                "INFO [<command-name> ...]", "    Return details about multiple commands.",
                "DOCS [<command-name> ...]", "    Return documentation details about multiple commands.",
                "GETKEYS <full-command>", "    Return the keys from a full command.",
                "HELP", "    Print this help.",
            ]);
        }
        else
        {
            UnknownOrWrongArity(ref context, "command", ["COUNT", "GETKEYS", "HELP"]);
        }
    }

    private static void CommandList(ref CommandContext context)
    {
        Func<CommandSpec, bool> filter = static _ => true;
        if (context.Count == 5 && context.Is(2, "FILTERBY"u8))
        {
            string value = context.ArgString(4);
            if (context.Is(3, "PATTERN"u8))
            {
                filter = spec => GlobMatches(value, spec.Name);
            }
            else if (context.Is(3, "ACLCAT"u8))
            {
                filter = spec => string.Equals(spec.Group, value, StringComparison.OrdinalIgnoreCase);
            }
            else if (context.Is(3, "MODULE"u8))
            {
                filter = static _ => false;
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }
        else if (context.Count != 2)
        {
            context.SyntaxError();
            return;
        }

        var names = CommandTable.Default.All.Where(filter).Select(s => s.NameBytes).ToList();
        context.Reply.ArrayHeader(names.Count);
        foreach (byte[] name in names)
        {
            context.Reply.Bulk(name);
        }
    }

    private static void CommandGetKeys(ref CommandContext context)
    {
        if (!CommandTable.Default.TryGet(context[2], out CommandSpec spec))
        {
            context.Reply.Error("ERR Invalid command specified"u8);
            return;
        }

        int argc = context.Count - 2;
        if (!spec.AcceptsArgumentCount(argc))
        {
            context.Reply.Error("ERR Invalid number of arguments specified for command"u8);
            return;
        }

        if (spec.FirstKey <= 0)
        {
            context.Reply.Error("ERR The command has no key arguments"u8);
            return;
        }

        // Redis's key positions: a negative last key counts from the end (-1 = the last argument).
        int last = spec.LastKey < 0 ? argc + spec.LastKey : spec.LastKey;
        int step = Math.Max(1, spec.KeyStep);
        var positions = new List<int>();
        for (int i = spec.FirstKey; i <= last && i < argc; i += step)
        {
            positions.Add(i);
        }

        context.Reply.ArrayHeader(positions.Count);
        foreach (int i in positions)
        {
            context.Reply.Bulk(context[i + 2]);
        }
    }

    /// <summary>One COMMAND INFO entry, Redis 7's ten fields; ACL categories, tips, key specs and
    /// subcommands are left empty (no client we know of needs them to work).</summary>
    private static void WriteCommandInfo(ReplyWriter reply, CommandSpec spec)
    {
        reply.ArrayHeader(10);
        reply.Bulk(spec.NameBytes);
        reply.Integer(spec.Arity);
        var flags = FlagNames(spec.Flags);
        reply.ArrayHeader(flags.Count);
        foreach (string flag in flags)
        {
            reply.Simple(Encoding.ASCII.GetBytes(flag));
        }

        reply.Integer(spec.FirstKey);
        reply.Integer(spec.LastKey);
        reply.Integer(spec.KeyStep);
        reply.ArrayHeader(0);
        reply.ArrayHeader(0);
        reply.ArrayHeader(0);
        reply.ArrayHeader(0);
    }

    private static List<string> FlagNames(CommandFlags flags)
    {
        var names = new List<string>(4);
        if ((flags & CommandFlags.Write) != 0)
        {
            names.Add("write");
        }

        if ((flags & CommandFlags.ReadOnly) != 0)
        {
            names.Add("readonly");
        }

        if ((flags & CommandFlags.DenyOom) != 0)
        {
            names.Add("denyoom");
        }

        if ((flags & CommandFlags.Admin) != 0)
        {
            names.Add("admin");
        }

        if ((flags & CommandFlags.NoAuth) != 0)
        {
            names.Add("no_auth");
        }

        if ((flags & CommandFlags.Loading) != 0)
        {
            names.Add("loading");
        }

        if ((flags & CommandFlags.Stale) != 0)
        {
            names.Add("stale");
        }

        if ((flags & CommandFlags.Fast) != 0)
        {
            names.Add("fast");
        }

        if ((flags & CommandFlags.NoMulti) != 0)
        {
            names.Add("no_multi");
        }

        return names;
    }

    private static void Config(ref CommandContext context)
    {
        var reply = context.Reply;
        if (context.Is(1, "GET"u8) && context.Count >= 3)
        {
            var settings = ConfigSettings(context.Session, context.Database);
            var matched = new List<KeyValuePair<string, string>>();
            for (int i = 2; i < context.Count; i++)
            {
                string pattern = context.ArgString(i);
                foreach (var setting in settings)
                {
                    // Several patterns may name one setting; Redis lists it once.
                    if (GlobMatches(pattern, setting.Key) && !matched.Exists(m => m.Key == setting.Key))
                    {
                        matched.Add(setting);
                    }
                }
            }

            reply.MapHeader(matched.Count);
            foreach (var (name, value) in matched)
            {
                reply.Bulk(name);
                reply.Bulk(value);
            }
        }
        else if (context.Is(1, "SET"u8) && context.Count >= 4)
        {
            ConfigSetter.Set(ref context, ConfigSettings(context.Session, context.Database).Select(s => s.Key));
        }
        else if (context.Is(1, "RESETSTAT"u8) && context.Count == 2)
        {
            // Accepted so tools that reset before measuring keep working. The counters are not reset:
            // they also feed the NetKit meter's counters, which must never go backwards.
            reply.Ok();
        }
        else if (context.Is(1, "REWRITE"u8) && context.Count == 2)
        {
            reply.Error("ERR The server is running without a config file"u8);
        }
        else if (context.Is(1, "HELP"u8) && context.Count == 2)
        {
            Help(reply,
            [
                "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value> [<directive> <value> ...]", "    Set the configuration <directive> to <value> (maxmemory, maxmemory-policy, requirepass, timeout, slowlog-*, appendfsync, hash-max-listpack-*, set-max-intset-entries, zset-max-listpack-*, client-output-buffer-limit, notify-keyspace-events).",
                "RESETSTAT", "    Accepted; statistics are not reset.",
                "HELP", "    Print this help.",
            ]);
        }
        else
        {
            UnknownOrWrongArity(ref context, "config", ["GET", "SET", "RESETSTAT", "REWRITE", "HELP"]);
        }
    }

    /// <summary>The settings CONFIG GET can report, in name order.</summary>
    private static List<KeyValuePair<string, string>> ConfigSettings(ClientSession session, KeyValueDatabase database)
    {
        var options = database.Options;
        int port = session.LocalEndPoint is System.Net.IPEndPoint local ? local.Port : 0;
        return
        [
            new("appendfsync", database.Settings.AppendFsync),
            new("appendonly", database.Log is null ? "no" : "yes"),
            new("client-output-buffer-limit", database.OutputLimits.ToString()),
            new("databases", database.DatabaseCount.ToString(CultureInfo.InvariantCulture)),
            new("dir", options.DataDirectory ?? Environment.CurrentDirectory),
            new("hash-max-listpack-entries", database.Databases.HashMaxListpackEntries.ToString(CultureInfo.InvariantCulture)),
            new("hash-max-listpack-value", database.Databases.HashMaxListpackValue.ToString(CultureInfo.InvariantCulture)),
            new("hash-max-ziplist-entries", database.Databases.HashMaxListpackEntries.ToString(CultureInfo.InvariantCulture)),
            new("hash-max-ziplist-value", database.Databases.HashMaxListpackValue.ToString(CultureInfo.InvariantCulture)),
            new("list-compress-depth", database.Databases.ListCompressDepth.ToString(CultureInfo.InvariantCulture)),
            new("list-max-listpack-size", database.Databases.ListMaxListpackSize.ToString(CultureInfo.InvariantCulture)),
            new("list-max-ziplist-size", database.Databases.ListMaxListpackSize.ToString(CultureInfo.InvariantCulture)),
            new("zset-max-listpack-entries", database.Databases.ZsetMaxListpackEntries.ToString(CultureInfo.InvariantCulture)),
            new("zset-max-listpack-value", database.Databases.ZsetMaxListpackValue.ToString(CultureInfo.InvariantCulture)),
            new("zset-max-ziplist-entries", database.Databases.ZsetMaxListpackEntries.ToString(CultureInfo.InvariantCulture)),
            new("zset-max-ziplist-value", database.Databases.ZsetMaxListpackValue.ToString(CultureInfo.InvariantCulture)),
            new("maxclients", options.MaxClients.ToString(CultureInfo.InvariantCulture)),
            new("maxmemory", database.Settings.MaxMemory.ToString(CultureInfo.InvariantCulture)),
            new("maxmemory-policy", database.Settings.MaxMemoryPolicy),
            new("notify-keyspace-events", KeyspaceEvents.Format(database.Databases.Events.Flags)),
            new("port", port.ToString(CultureInfo.InvariantCulture)),
            new("proto-max-bulk-len", options.MaxBulkLength.ToString(CultureInfo.InvariantCulture)),
            new("replica-read-only", "yes"),
            // Redis returns the password to a client that is already authenticated; so do we (CONFIG is
            // refused before AUTH, so only someone who knows it can read it).
            new("requirepass", database.Settings.RequirePass ?? string.Empty),
            new("save", string.Empty),
            new("set-max-intset-entries", database.Databases.SetMaxIntsetEntries.ToString(CultureInfo.InvariantCulture)),
            new("slave-read-only", "yes"),
            new("slowlog-log-slower-than", database.Settings.SlowlogSlowerThan.ToString(CultureInfo.InvariantCulture)),
            new("slowlog-max-len", database.Settings.SlowlogMaxLength.ToString(CultureInfo.InvariantCulture)),
            new("timeout", database.IdleTimeoutSeconds.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    private static void Info(ref CommandContext context)
    {
        var sections = new List<string>(context.Count - 1);
        for (int i = 1; i < context.Count; i++)
        {
            sections.Add(context.ArgString(i));
        }

        context.Reply.Verbatim(InfoBuilder.Build(context.Session, context.Database, sections));
    }

    private static void DbSize(ref CommandContext context) => context.Reply.Integer(context.Store.Count);

    private static void Flush(ref CommandContext context)
    {
        // ASYNC and SYNC are both accepted; clearing the dictionaries is quick either way.
        if (context.Count > 2 || (context.Count == 2 && !context.Is(1, "ASYNC"u8) && !context.Is(1, "SYNC"u8)))
        {
            context.SyntaxError();
            return;
        }

        if (context.Is(0, "FLUSHALL"u8))
        {
            var databases = context.Store.Databases;
            lock (databases.WriteLock)
            {
                databases.ClearAllLocked();
            }
        }
        else
        {
            context.Store.Clear();
        }

        context.Reply.Ok();
    }

    private static void Time(ref CommandContext context)
    {
        long micros = (context.Store.TimeProvider.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        context.Reply.ArrayHeader(2);
        context.Reply.Bulk(micros / 1_000_000);
        context.Reply.Bulk(micros % 1_000_000);
    }

    private static void BgRewriteAof(ref CommandContext context)
    {
        // Redis would write a fresh AOF even with appendonly off; with no log there is no file to write,
        // and saying so is more useful than a status that suggests something was made durable.
        if (context.Database.Log is not { } log)
        {
            context.Reply.Error("ERR Background append only file rewriting is not possible: the data is in memory only (no --data-dir)"u8);
        }
        else if (log.TryStartRewrite())
        {
            context.Reply.Simple("Background append only file rewriting started"u8);
        }
        else
        {
            context.Reply.Error("ERR Background append only file rewriting already in progress"u8);
        }
    }

    private static void Role(ref CommandContext context)
    {
        context.Reply.ArrayHeader(3);
        context.Reply.Bulk("master"u8);
        context.Reply.Integer(0);
        context.Reply.ArrayHeader(0);
    }

    private static void Help(ReplyWriter reply, string[] lines)
    {
        reply.ArrayHeader(lines.Length);
        foreach (string line in lines)
        {
            reply.Simple(Encoding.UTF8.GetBytes(line));
        }
    }

    /// <summary>Redis's reply to a subcommand it has, with the wrong arguments, or one it does not have.</summary>
    private static void UnknownOrWrongArity(ref CommandContext context, string command, string[] subcommands)
    {
        string given = context.ArgString(1);
        foreach (string name in subcommands)
        {
            if (string.Equals(name, given, StringComparison.OrdinalIgnoreCase))
            {
                context.Reply.Error($"ERR wrong number of arguments for '{command}|{name.ToLowerInvariant()}' command");
                return;
            }
        }

        context.Reply.Error($"ERR unknown subcommand '{(given.Length > 128 ? given[..128] : given)}'. Try {command.ToUpperInvariant()} HELP.");
    }

    /// <summary>Redis's glob (<c>* ? [abc] [^a-z] \x</c>), ignoring case as CONFIG GET does, over names
    /// that are short ASCII: a plain backtracking match is enough here.</summary>
    internal static bool GlobMatches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (!pattern.IsEmpty)
        {
            switch (pattern[0])
            {
                case '*':
                    while (pattern.Length > 1 && pattern[1] == '*')
                    {
                        pattern = pattern[1..];
                    }

                    if (pattern.Length == 1)
                    {
                        return true;
                    }

                    for (int i = 0; i <= text.Length; i++)
                    {
                        if (GlobMatches(pattern[1..], text[i..]))
                        {
                            return true;
                        }
                    }

                    return false;

                case '?':
                    if (text.IsEmpty)
                    {
                        return false;
                    }

                    break;

                case '[':
                {
                    if (text.IsEmpty)
                    {
                        return false;
                    }

                    int end = 1;
                    bool not = end < pattern.Length && pattern[end] == '^';
                    if (not)
                    {
                        end++;
                    }

                    bool match = false;
                    char c = char.ToLowerInvariant(text[0]);
                    while (end < pattern.Length && pattern[end] != ']')
                    {
                        if (pattern[end] == '\\' && end + 1 < pattern.Length)
                        {
                            end++;
                            match |= char.ToLowerInvariant(pattern[end]) == c;
                        }
                        else if (end + 2 < pattern.Length && pattern[end + 1] == '-' && pattern[end + 2] != ']')
                        {
                            char low = char.ToLowerInvariant(pattern[end]), high = char.ToLowerInvariant(pattern[end + 2]);
                            if (low > high)
                            {
                                (low, high) = (high, low);
                            }

                            match |= c >= low && c <= high;
                            end += 2;
                        }
                        else
                        {
                            match |= char.ToLowerInvariant(pattern[end]) == c;
                        }

                        end++;
                    }

                    if (match == not)
                    {
                        return false;
                    }

                    // Past the closing bracket (or the end of an unclosed class).
                    pattern = pattern[Math.Min(end, pattern.Length - 1)..];
                    break;
                }

                case '\\' when pattern.Length > 1:
                    pattern = pattern[1..];
                    goto default;

                default:
                    if (text.IsEmpty || char.ToLowerInvariant(pattern[0]) != char.ToLowerInvariant(text[0]))
                    {
                        return false;
                    }

                    break;
            }

            pattern = pattern[1..];
            text = text[1..];
        }

        return text.IsEmpty;
    }
}
