namespace NetKit.KeyValue.Persistence;

// Recording sorted-set changes, and writing a sorted set whole into a rewrite.
public sealed partial class AppendOnlyLog
{
    /// <inheritdoc />
    public void RecordSortedSetAdd(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member, double score)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteSortedSetAdd(key, member, score);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordSortedSetRemove(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteSortedSetRemove(key, member);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    private static void WriteSortedSetSnapshot(LogBuffer chunk, KeyValueStore database, byte[] key, SortedSetValue set, long expiresAtMs)
    {
        (byte[] Member, double Score)[] members;
        lock (database.WriteLock)
        {
            // Changed in place: copied under the lock, written outside it. Changes made after the copy reach
            // the new file through the side buffer, and ZADD and ZREM records are absolute, so one applied on
            // top of a snapshot that already has it changes nothing.
            members = set.Snapshot();
        }

        if (members.Length == 0)
        {
            return;
        }

        for (int i = 0; i < members.Length; i += FieldsPerRecord)
        {
            chunk.WriteSortedSetAdd(key, members.AsSpan(i, Math.Min(FieldsPerRecord, members.Length - i)));
        }

        if (expiresAtMs > 0)
        {
            chunk.WriteExpireAt(key, expiresAtMs);
        }
    }
}
