namespace NetKit.KeyValue;

/// <summary>
/// Receives every change to a <see cref="KeyValueStore"/> as its effect — the resulting value, an absolute
/// expiry — so that replaying the journal in order rebuilds the data, and replaying a change twice does
/// no harm (which lets a log rewrite run while writes go on). Called with the store's write lock held,
/// in the order the changes were applied; implementations must only buffer, never block on I/O.
/// </summary>
public interface IKeyValueJournal
{
    /// <summary>The key now holds <paramref name="value"/>, expiring at <paramref name="expiresAtMs"/>
    /// (Unix milliseconds; 0 = never).</summary>
    void RecordSet(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs);

    void RecordDelete(ReadOnlySpan<byte> key);

    /// <summary>The key's expiry changed to <paramref name="expiresAtMs"/> (0 = it no longer expires).</summary>
    void RecordExpireAt(ReadOnlySpan<byte> key, long expiresAtMs);

    void RecordClear();
}
