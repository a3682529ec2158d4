namespace NetKit.KeyValue;

/// <summary>
/// One change to the list at <see cref="Key"/>, as <see cref="IKeyValueJournal.RecordList"/> receives it: the
/// change, its element (pushed, set, inserted or removed), the pivot of an insert, and its numbers (a pop's
/// count; LSET's index; LREM's count; LTRIM's start and stop, as positions already resolved).
/// </summary>
/// <remarks>
/// A list change depends on what the list held before it, so replaying one twice is not harmless: the store
/// keeps a log rewrite exact by giving the snapshot each list as it was when the rewrite started
/// (<see cref="KeyValueStore.PreserveForRewriteLocked"/>), so the changes copied for the rewrite apply once.
/// </remarks>
public readonly ref struct ListRecord
{
    public ListRecord(ListChange change, ReadOnlySpan<byte> key, ReadOnlySpan<byte> element = default,
        long first = 0, long second = 0, ReadOnlySpan<byte> pivot = default)
    {
        Change = change;
        Key = key;
        Element = element;
        First = first;
        Second = second;
        Pivot = pivot;
    }

    public ListChange Change { get; }

    public ReadOnlySpan<byte> Key { get; }

    public ReadOnlySpan<byte> Element { get; }

    public ReadOnlySpan<byte> Pivot { get; }

    public long First { get; }

    public long Second { get; }
}
