using NetKit.KeyValue.Persistence;

namespace NetKit.KeyValue;

/// <summary>
/// SAVE, BGSAVE [SCHEDULE] and LASTSAVE over kv's persistence, which is its append-only log: a save is a rewrite
/// of the log from the data (compacted, fsynced, switched in atomically), so a backup script that runs BGSAVE and
/// polls LASTSAVE, or runs SAVE and copies the data directory, gets what it expects. SAVE returns once the rewrite
/// is on disk. In memory only there is nothing to save to: SAVE and BGSAVE say so as an error rather than report
/// a durability that is not there, and LASTSAVE stays the start time.
/// </summary>
internal static class SaveCommands
{
    /// <summary>How long SAVE waits for its rewrite; past it the rewrite goes on and LASTSAVE tells when it ends.</summary>
    private static readonly TimeSpan SaveTimeout = TimeSpan.FromMinutes(10);

    private const string InMemory = "ERR Saving is not possible: the data is in memory only (no --data-dir)";

    public static void Register(CommandTable table)
    {
        // SAVE waits for the disk: MayBlock keeps it off an event loop thread; NoMulti as Redis.
        table.Add(new CommandSpec("save", 1, CommandFlags.Admin | CommandFlags.NoMulti | CommandFlags.MayBlock, Save, "server",
            "Synchronously saves the database(s) to disk."));
        table.Add(new CommandSpec("bgsave", -1, CommandFlags.Admin, BgSave, "server", "Asynchronously saves the database(s) to disk."));
        table.Add(new CommandSpec("lastsave", 1, CommandFlags.Fast, LastSave, "server", "Returns the Unix timestamp of the last successful save to disk."));
    }

    /// <summary>Unix seconds of the last successful save (a log rewrite), or of the start when there was none.</summary>
    public static long LastSaveSeconds(KeyValueDatabase database)
    {
        long at = database.Log is AppendOnlyLog log ? log.LastRewriteEndedAtMs : 0;
        return (at > 0 ? at : database.StartedAtMs) / 1000;
    }

    /// <summary>INFO persistence's rdb_* fields, read from the log's rewrites.</summary>
    public static IEnumerable<KeyValuePair<string, string>> InfoFields(KeyValueDatabase database)
    {
        var log = database.Log as AppendOnlyLog;
        string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (log is not null)
        {
            yield return new("rdb_changes_since_last_save", Number(log.ChangesSinceLastRewrite));
        }

        yield return new("rdb_bgsave_in_progress", log?.IsRewriteInProgress == true ? "1" : "0");
        yield return new("rdb_last_save_time", Number(LastSaveSeconds(database)));
        yield return new("rdb_last_bgsave_status", log is null || log.LastRewrite is not { IsCompleted: true, Result: false } ? "ok" : "err");
    }

    private static void Save(ref CommandContext context)
    {
        if (context.Database.Log is not AppendOnlyLog log)
        {
            context.Reply.Error(InMemory);
            return;
        }

        // A rewrite already running copies every change made until it ends, those before this SAVE included:
        // waiting for it is as good as a new one.
        log.TryStartRewrite();
        var rewrite = log.LastRewrite;
        bool finished;
        try
        {
            finished = rewrite.Wait(SaveTimeout);
        }
        catch (AggregateException)
        {
            finished = true;
        }

        if (!finished)
        {
            context.Reply.Error("ERR SAVE timed out waiting for the log rewrite; it goes on in the background (LASTSAVE tells when it ends)");
        }
        else if (rewrite.IsCompletedSuccessfully && rewrite.Result)
        {
            context.Reply.Ok();
        }
        else
        {
            // Redis answers a failed SAVE with a bare ERR; the server's log says why.
            context.Reply.Error("ERR"u8);
        }
    }

    private static void BgSave(ref CommandContext context)
    {
        bool schedule = false;
        if (context.Count > 2 || (context.Count == 2 && !(schedule = context.Is(1, "SCHEDULE"u8))))
        {
            context.SyntaxError();
            return;
        }

        if (context.Database.Log is not AppendOnlyLog log)
        {
            context.Reply.Error(InMemory);
        }
        else if (log.TryStartRewrite())
        {
            context.Reply.Simple("Background saving started"u8);
        }
        else if (schedule)
        {
            // The running rewrite copies what is written until it ends: it is the save a schedule would start.
            context.Reply.Simple("Background saving scheduled"u8);
        }
        else
        {
            context.Reply.Error("ERR Background save already in progress"u8);
        }
    }

    private static void LastSave(ref CommandContext context) => context.Reply.Integer(LastSaveSeconds(context.Database));
}
