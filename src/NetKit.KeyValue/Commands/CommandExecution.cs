namespace NetKit.KeyValue;

/// <summary>
/// Runs one admitted command: counts it, then calls its handler, turning a typed lookup's
/// <see cref="WrongTypeException"/> into Redis's WRONGTYPE reply. Shared by the connection's dispatcher and
/// by EXEC, which runs its queued commands the same way.
/// </summary>
internal static class CommandExecution
{
    public static void Run(ref CommandContext context, CommandSpec spec)
    {
        var session = context.Session;
        session.Counters.CountCommand(spec.Index);
        session.LastCommand = spec.Name;
        session.LastCommandAtMs = context.Store.NowMs;
        try
        {
            var databases = context.Store.Databases;
            if ((spec.Flags & CommandFlags.ReadOnly) != 0 && databases.ExclusiveChangeRunning)
            {
                // Reads take no lock, so while an EXEC or SWAPDB is half done they wait for it to finish
                // instead of seeing the half.
                lock (databases.WriteLock)
                {
                    spec.Handler(ref context);
                }
            }
            else
            {
                spec.Handler(ref context);
            }
        }
        catch (WrongTypeException)
        {
            // Thrown by a lookup before anything was changed or replied.
            context.Reply.Error(WrongTypeException.Reply);
        }

        // After it ran, as Redis 7.0 feeds its monitors: a SELECT shows the new database, EXEC follows its queue.
        if (!context.Database.Monitors.IsEmpty)
        {
            context.Database.Monitors.Feed(ref context, spec);
        }
    }
}
