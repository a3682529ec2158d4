namespace NetKit.KeyValue.Persistence;

// Replaying list records: the commands LogBuffer.WriteList writes, and a rewrite's many-element RPUSH.
internal sealed partial class AppendOnlyLogReader
{
    private static bool IsListRecord(ReadOnlySpan<byte> upper) =>
        upper.SequenceEqual("RPUSH"u8) || upper.SequenceEqual("LPUSH"u8) || upper.SequenceEqual("LPOP"u8)
        || upper.SequenceEqual("RPOP"u8) || upper.SequenceEqual("LSET"u8) || upper.SequenceEqual("LINSERT"u8)
        || upper.SequenceEqual("LREM"u8) || upper.SequenceEqual("LTRIM"u8);

    private void ApplyList(ReadOnlySpan<byte> upper, ReadOnlySpan<byte> record, out string? problem, bool dryRun)
    {
        problem = CheckList(upper, record);
        if (problem is not null || dryRun)
        {
            return;
        }

        var key = Arg(record, 1);
        lock (_store.WriteLock)
        {
            bool push = upper[1] == (byte)'P' && upper[2] == (byte)'U';
            if (_store.TryGetValue(key, out object current) && current is not ListValue)
            {
                if (!push)
                {
                    return;
                }

                // A rewrite's snapshot may already hold what the key became later; the records after this
                // one in the log bring it there again.
                _store.RemoveLocked(key);
            }

            if (push)
            {
                var created = _store.GetOrAddListLocked(key);
                for (int i = 2; i < _argCount; i++)
                {
                    _store.ListPushLocked(key, created, upper[0] == (byte)'L', Arg(record, i));
                }

                return;
            }

            if (!_store.TryGetList(key, out ListValue list))
            {
                return;
            }

            switch (upper[1])
            {
                case (byte)'P': // LPOP, RPOP
                    long count = 1;
                    if (_argCount == 3)
                    {
                        TryParseLong(Arg(record, 2), out count);
                    }

                    _store.ListPopLocked(key, list, upper[0] == (byte)'L', count, new List<byte[]>());
                    break;
                case (byte)'S': // LSET
                    TryParseLong(Arg(record, 2), out long index);
                    if (list.TryResolve(index, out int position))
                    {
                        _store.ListSetLocked(key, list, position, Arg(record, 3));
                    }

                    break;
                case (byte)'I': // LINSERT
                    _store.ListInsertLocked(key, list, EqualsIgnoreCase(Arg(record, 2), "BEFORE"u8), Arg(record, 3), Arg(record, 4));
                    break;
                case (byte)'R': // LREM
                    TryParseLong(Arg(record, 2), out long removeCount);
                    _store.ListRemoveLocked(key, list, removeCount, Arg(record, 3));
                    break;
                case (byte)'T': // LTRIM
                    TryParseLong(Arg(record, 2), out long start);
                    TryParseLong(Arg(record, 3), out long stop);
                    ListValue.ClampRange(start, stop, list.Count, out int from, out int to);
                    _store.ListTrimLocked(key, list, from, to);
                    break;
            }
        }
    }

    private string? CheckList(ReadOnlySpan<byte> upper, ReadOnlySpan<byte> record)
    {
        string name = System.Text.Encoding.ASCII.GetString(upper);
        return upper[1] switch
        {
            (byte)'P' when upper[2] == (byte)'U' => _argCount >= 3 ? null : $"{name} without an element",
            (byte)'P' => _argCount == 2 || (_argCount == 3 && TryParseLong(Arg(record, 2), out long n) && n >= 0) ? null : $"{name} without a key and a count",
            (byte)'S' => _argCount == 4 && TryParseLong(Arg(record, 2), out _) ? null : "LSET without a key, an index and an element",
            (byte)'I' => _argCount == 5 && (EqualsIgnoreCase(Arg(record, 2), "BEFORE"u8) || EqualsIgnoreCase(Arg(record, 2), "AFTER"u8))
                ? null : "LINSERT without BEFORE or AFTER, a pivot and an element",
            (byte)'R' => _argCount == 4 && TryParseLong(Arg(record, 2), out _) ? null : "LREM without a key, a count and an element",
            _ => _argCount == 4 && TryParseLong(Arg(record, 2), out _) && TryParseLong(Arg(record, 3), out _) ? null : "LTRIM without a key, a start and a stop",
        };
    }
}
