namespace NetKit.KeyValue.Persistence;

// Recording list changes.
public sealed partial class AppendOnlyLog
{
    // Where in the active batch a starting rewrite's copy begins (-1: no rewrite is starting), and then where
    // in the batch being written: the changes before it are in the snapshot already. Under _gate.
    private int _captureFrom = -1;
    private int _captureOffset;

    /// <inheritdoc />
    public void RecordList(int database, in ListRecord record)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteList(record);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <summary>A list in a rewrite's snapshot: as it was when the rewrite started, in RPUSHes of up to 64
    /// elements; its changes since are in the copy appended after the snapshot.</summary>
    private static void WriteSnapshotList(LogBuffer chunk, KeyValueStore database, byte[] key, ListValue list, long expiresAtMs)
    {
        byte[][]? elements;
        lock (database.WriteLock)
        {
            elements = database.ListForRewriteLocked(list);
        }

        if (elements is null || elements.Length == 0)
        {
            return;
        }

        for (int i = 0; i < elements.Length; i += FieldsPerRecord)
        {
            chunk.WriteListPush(key, elements.AsSpan(i, Math.Min(FieldsPerRecord, elements.Length - i)));
        }

        if (expiresAtMs > 0)
        {
            chunk.WriteExpireAt(key, expiresAtMs);
        }
    }
}
