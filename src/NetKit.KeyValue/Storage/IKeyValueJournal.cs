namespace NetKit.KeyValue;

/// <summary>
/// Receives every change to a <see cref="KeyValueStore"/> as its effect — the resulting value, an absolute
/// expiry — so that replaying the journal in order rebuilds the data, and replaying a change twice does
/// no harm (which lets a log rewrite run while writes go on). Called with the store's write lock held,
/// in the order the changes were applied; implementations must only buffer, never block on I/O.
/// <paramref name="database"/> is the number of the database changed (SELECT's index).
/// </summary>
public interface IKeyValueJournal
{
    /// <summary>The key now holds the string <paramref name="value"/>, expiring at <paramref name="expiresAtMs"/>
    /// (Unix milliseconds; 0 = never).</summary>
    void RecordSet(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs);

    void RecordDelete(int database, ReadOnlySpan<byte> key);

    /// <summary>The key's expiry changed to <paramref name="expiresAtMs"/> (0 = it no longer expires).</summary>
    void RecordExpireAt(int database, ReadOnlySpan<byte> key, long expiresAtMs);

    /// <summary>One database was emptied (FLUSHDB).</summary>
    void RecordClear(int database);

    /// <summary>Every database was emptied (FLUSHALL).</summary>
    void RecordClearAll();

    /// <summary>The hash at <paramref name="key"/> (created if missing) now maps <paramref name="field"/> to <paramref name="value"/>.</summary>
    void RecordHashSet(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value);

    /// <summary>The field was removed from the hash; a hash left empty no longer exists.</summary>
    void RecordHashDelete(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field);

    /// <summary>The set at <paramref name="key"/> (created if missing) now holds <paramref name="member"/>.</summary>
    void RecordSetAdd(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member);

    /// <summary>The member was removed from the set; a set left empty no longer exists.</summary>
    void RecordSetRemove(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member);
    /// <summary>The sorted set at <paramref name="key"/> (created if missing) now holds <paramref name="member"/> with
    /// <paramref name="score"/>: ZINCRBY and ZADD INCR are recorded by their result, so a replay twice is harmless.</summary>
    void RecordSortedSetAdd(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member, double score);

    /// <summary>The member was removed from the sorted set; a set left empty no longer exists.</summary>
    void RecordSortedSetRemove(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member);
    /// <summary>The list at the record's key changed as the record says (a push creates it; a list left empty
    /// is deleted by a <see cref="RecordDelete"/> after it).</summary>
    void RecordList(int database, in ListRecord record);

    /// <summary>The changes recorded until <see cref="EndTransaction"/> are one unit (EXEC, SWAPDB): a replay
    /// applies all of them or none.</summary>
    void BeginTransaction();

    void EndTransaction();
}
