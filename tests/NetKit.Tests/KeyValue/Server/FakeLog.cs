using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>An <see cref="IKeyValueLog"/> that records nothing: for the commands that only ask the log things.</summary>
public sealed class FakeLog : IKeyValueLog
{
    public bool RewriteRunning { get; set; }

    public int RewritesStarted { get; private set; }

    public long AppendedSequence => 0;

    public string? LastWriteError { get; set; }

    public ValueTask WaitDurableAsync(long sequence, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public bool TryStartRewrite()
    {
        if (RewriteRunning)
        {
            return false;
        }

        RewriteRunning = true;
        RewritesStarted++;
        return true;
    }

    public IEnumerable<KeyValuePair<string, string>> InfoFields() =>
        [new("aof_enabled", "1"), new("aof_rewrite_in_progress", RewriteRunning ? "1" : "0"), new("aof_current_size", "1234")];

    public void RecordSet(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs)
    {
    }

    public void RecordDelete(int database, ReadOnlySpan<byte> key)
    {
    }

    public void RecordExpireAt(int database, ReadOnlySpan<byte> key, long expiresAtMs)
    {
    }

    public void RecordClear(int database)
    {
    }

    public void RecordClearAll()
    {
    }

    public void RecordHashSet(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
    }

    public void RecordHashDelete(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field)
    {
    }

    public void RecordSetAdd(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member)
    {
    }

    public void RecordSetRemove(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member)
    {
    }

    public void RecordSortedSetAdd(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member, double score)
    {
    }

    public void RecordSortedSetRemove(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member)
    {
    }

    public void RecordList(int database, in ListRecord record)
    {
    }

    public void BeginTransaction()
    {
    }

    public void EndTransaction()
    {
    }
}
