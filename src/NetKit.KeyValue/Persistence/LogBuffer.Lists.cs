namespace NetKit.KeyValue.Persistence;

// List records, as the Redis commands that make the same change.
internal sealed partial class LogBuffer
{
    public void WriteList(in ListRecord record)
    {
        switch (record.Change)
        {
            case ListChange.PushHead or ListChange.PushTail:
                WriteArrayHeader(3);
                WriteBulk(record.Change == ListChange.PushHead ? "LPUSH"u8 : "RPUSH"u8);
                WriteBulk(record.Key);
                WriteBulk(record.Element);
                break;
            case ListChange.PopHead or ListChange.PopTail:
                WriteArrayHeader(3);
                WriteBulk(record.Change == ListChange.PopHead ? "LPOP"u8 : "RPOP"u8);
                WriteBulk(record.Key);
                WriteBulk(record.First);
                break;
            case ListChange.Set:
                WriteArrayHeader(4);
                WriteBulk("LSET"u8);
                WriteBulk(record.Key);
                WriteBulk(record.First);
                WriteBulk(record.Element);
                break;
            case ListChange.InsertBefore or ListChange.InsertAfter:
                WriteArrayHeader(5);
                WriteBulk("LINSERT"u8);
                WriteBulk(record.Key);
                WriteBulk(record.Change == ListChange.InsertBefore ? "BEFORE"u8 : "AFTER"u8);
                WriteBulk(record.Pivot);
                WriteBulk(record.Element);
                break;
            case ListChange.Remove:
                WriteArrayHeader(4);
                WriteBulk("LREM"u8);
                WriteBulk(record.Key);
                WriteBulk(record.First);
                WriteBulk(record.Element);
                break;
            case ListChange.Trim:
                WriteArrayHeader(4);
                WriteBulk("LTRIM"u8);
                WriteBulk(record.Key);
                WriteBulk(record.First);
                WriteBulk(record.Second);
                break;
        }
    }

    /// <summary>One RPUSH of several elements (a rewrite writes a list this way, as Redis's AOF_REWRITE_ITEMS_PER_CMD).</summary>
    public void WriteListPush(ReadOnlySpan<byte> key, ReadOnlySpan<byte[]> elements)
    {
        WriteArrayHeader(2 + elements.Length);
        WriteBulk("RPUSH"u8);
        WriteBulk(key);
        foreach (var element in elements)
        {
            WriteBulk(element);
        }
    }
}
