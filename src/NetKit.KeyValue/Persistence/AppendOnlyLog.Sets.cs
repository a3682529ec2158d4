namespace NetKit.KeyValue.Persistence;

// Recording set changes: SADD and SREM of one member each, absolute effects that a replay may apply twice.
public sealed partial class AppendOnlyLog
{
    /// <inheritdoc />
    public void RecordSetAdd(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteSetMembers("SADD"u8, key, member);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordSetRemove(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteSetMembers("SREM"u8, key, member);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }
}
