namespace NetKit.KeyValue;

/// <summary>CLIENT PAUSE timeout [WRITE|ALL] and CLIENT UNPAUSE, with Redis 7.0's checks and errors (see <see cref="ClientPause"/>).</summary>
internal static class ClientPauseCommands
{
    /// <summary>CLIENT PAUSE; the caller has seen at least the timeout argument.</summary>
    public static void Pause(ref CommandContext context)
    {
        if (context.Count > 4)
        {
            context.Reply.Error("ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP."u8);
            return;
        }

        var mode = PauseMode.All;
        if (context.Count == 4)
        {
            if (context.Is(3, "WRITE"u8))
            {
                mode = PauseMode.Write;
            }
            else if (!context.Is(3, "ALL"u8))
            {
                // Redis checks the mode before the timeout.
                context.Reply.Error("ERR CLIENT PAUSE mode must be WRITE or ALL"u8);
                return;
            }
        }

        if (!CommandContext.TryParseInteger(context[2], out long milliseconds))
        {
            context.Reply.Error("ERR timeout is not an integer or out of range"u8);
            return;
        }

        if (milliseconds < 0)
        {
            context.Reply.Error("ERR timeout is negative"u8);
            return;
        }

        context.Database.Pause.Pause(milliseconds, mode);
        context.Reply.Ok();
    }

    /// <summary>CLIENT UNPAUSE.</summary>
    public static void Unpause(ref CommandContext context)
    {
        context.Database.Pause.Unpause();
        context.Reply.Ok();
    }

    /// <summary>Whether CLIENT PAUSE WRITE holds <paramref name="spec"/>: Redis's write and may-replicate commands,
    /// and an EXEC whose queue holds one.</summary>
    public static bool IsHeldByWritePause(CommandSpec spec, ClientSession session) =>
        IsWriteLike(spec) || (spec.Name == "exec" && QueuedAny(session, IsWriteLike));

    /// <summary>Whether a MONITOR client (a replica to Redis) is refused <paramref name="spec"/>: anything that reads or writes keys.</summary>
    public static bool TouchesKeyspace(CommandSpec spec, ClientSession session) =>
        IsKeyspaceCommand(spec) || (spec.Name == "exec" && QueuedAny(session, IsKeyspaceCommand));

    private static bool IsWriteLike(CommandSpec spec) =>
        (spec.Flags & CommandFlags.Write) != 0 || spec.Name is "publish" or "spublish";

    private static bool IsKeyspaceCommand(CommandSpec spec) =>
        IsWriteLike(spec) || (spec.Flags & CommandFlags.ReadOnly) != 0;

    private static bool QueuedAny(ClientSession session, Func<CommandSpec, bool> test)
    {
        foreach (var queued in session.Transaction.Queued)
        {
            var name = queued.Arguments[0];
            if (CommandTable.Default.TryGet(queued.Request.AsSpan(name.Start, name.Length), out var spec) && test(spec))
            {
                return true;
            }
        }

        return false;
    }
}
