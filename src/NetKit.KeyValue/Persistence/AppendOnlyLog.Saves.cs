namespace NetKit.KeyValue.Persistence;

// What SAVE, BGSAVE and LASTSAVE report: kv's persistence is this log, so a successful rewrite is a save.
public sealed partial class AppendOnlyLog
{
    private long _lastRewriteEndedAtMs;
    private long _sequenceAtLastRewrite;

    /// <summary>When the last rewrite succeeded (Unix ms, the store's clock); 0 = none since the log was opened.</summary>
    public long LastRewriteEndedAtMs => Volatile.Read(ref _lastRewriteEndedAtMs);

    /// <summary>Changes recorded since the last successful rewrite ended (INFO's rdb_changes_since_last_save).</summary>
    public long ChangesSinceLastRewrite => Math.Max(0, AppendedSequence - Volatile.Read(ref _sequenceAtLastRewrite));

    /// <summary>On the rewrite thread, once the new file is in place: everything recorded so far is in it.</summary>
    private void NoteRewriteSucceeded()
    {
        Volatile.Write(ref _sequenceAtLastRewrite, AppendedSequence);
        Volatile.Write(ref _lastRewriteEndedAtMs, _store.NowMs);
    }
}
