namespace NetKit.Protocols.KeyValue;

/// <summary>Commands about the connection itself: PING, ECHO, QUIT, AUTH, HELLO, SELECT, CLIENT.</summary>
internal static class ConnectionCommands
{
    public static void Register(CommandTable table)
    {
        const CommandFlags PreAuth = CommandFlags.Fast | CommandFlags.NoAuth | CommandFlags.Loading | CommandFlags.Stale;
        table.Add(new CommandSpec("ping", -1, CommandFlags.Fast, Ping, "connection", "Returns the server's liveliness response."));
        table.Add(new CommandSpec("echo", 2, CommandFlags.Fast, Echo, "connection", "Returns the given string."));
        table.Add(new CommandSpec("quit", -1, PreAuth, Quit, "connection", "Closes the connection."));
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
}
