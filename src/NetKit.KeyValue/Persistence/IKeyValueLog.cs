namespace NetKit.KeyValue;

/// <summary>
/// The durable side of a kv database (the append-only log): it journals every change and tells when a
/// change is safe on disk, so that under <c>--fsync always</c> a write is acknowledged only after that.
/// </summary>
public interface IKeyValueLog : IKeyValueJournal
{
    /// <summary>The sequence number of the last change recorded (read with the store's write lock held, or after it).</summary>
    long AppendedSequence { get; }

    /// <summary>Completes when change <paramref name="sequence"/> is as durable as the fsync policy promises
    /// before a reply: on disk for <c>always</c>, handed to the OS (or immediately) for the others.</summary>
    ValueTask WaitDurableAsync(long sequence, CancellationToken cancellationToken);

    /// <summary>Why the last write to the log failed, while it keeps failing; null once writes succeed.
    /// Writes are refused with <c>-MISCONF</c> meanwhile, as in Redis.</summary>
    string? LastWriteError { get; }

    /// <summary>Starts a background rewrite of the log from the current data; false when one is already running.</summary>
    bool TryStartRewrite();

    /// <summary>The fields of INFO's persistence section.</summary>
    IEnumerable<KeyValuePair<string, string>> InfoFields();
}
