namespace NetKit.KeyValue;

/// <summary>
/// RESET, as Redis 7.0's clearClientConnectionState: out of MONITOR, MULTI discarded and keys unwatched, every
/// subscription dropped (without a reply for each), database 0, the name cleared, authenticated again only if no
/// password is set; RESP2 and CLIENT REPLY ON again; answered <c>+RESET</c>. It runs at once inside MULTI, and is allowed in subscribed mode.
/// </summary>
internal static class ResetCommand
{
    public static void Register(CommandTable table) =>
        table.Add(new CommandSpec("reset", 1, CommandFlags.Fast | CommandFlags.NoAuth | CommandFlags.Loading | CommandFlags.Stale, Reset,
            "connection", "Resets the connection."));

    private static void Reset(ref CommandContext context)
    {
        var session = context.Session;
        var database = context.Database;
        var mine = session.PubSub;
        if (mine.Monitoring)
        {
            database.Monitors.Remove(mine);
            mine.Monitoring = false;
        }

        session.Transaction.End();
        TransactionCommands.UnwatchAll(session, context.Store);
        session.WatchedKeyChanged = false;
        database.PubSub.RemoveAll(mine);
        if (!mine.InsideExec)
        {
            // What was posted while still subscribed goes out ahead of +RESET, nothing after it.
            mine.Outbox.DrainTo(context.Push.Output, long.MaxValue);
        }

        session.DatabaseIndex = 0;
        session.Name = null;
        session.Authenticated = !database.RequiresPassword;
        session.Protocol = 2;
        // Replies are on again before RESET answers, so a silenced client hears it.
        session.Replies = ReplySwitch.On;
        context.Push.Simple("RESET"u8);
    }
}
