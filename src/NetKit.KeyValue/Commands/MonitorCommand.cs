namespace NetKit.KeyValue;

/// <summary>MONITOR, as Redis 7.0: the client is sent every command run by anyone from now on (see <see cref="MonitorFeed"/>).</summary>
internal static class MonitorCommand
{
    public static void Register(CommandTable table) =>
        // Admin, as in Redis, which also keeps the MONITOR call itself out of the feed.
        table.Add(new CommandSpec("monitor", 1, CommandFlags.Admin | CommandFlags.Loading | CommandFlags.Stale, Monitor, "server",
            "Listens for all requests received by the server in real-time."));

    private static void Monitor(ref CommandContext context)
    {
        var mine = context.Session.PubSub;
        if (mine.InsideExec)
        {
            // Redis's CLIENT_DENY_BLOCKING: a client inside EXEC expects exactly one reply per command.
            context.Reply.Error("ERR MONITOR isn't allowed for DENY BLOCKING client"u8);
            return;
        }

        if (mine.Monitoring)
        {
            // Redis ignores a second MONITOR, without a reply.
            return;
        }

        mine.Monitoring = true;
        context.Database.Monitors.Add(mine);
        context.Reply.Ok();
    }
}
