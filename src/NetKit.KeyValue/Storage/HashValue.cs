namespace NetKit.KeyValue;

/// <summary>
/// A hash: fields and values of arbitrary bytes. Changed and read only under the store's write lock (a hash
/// is mutable, unlike the string arrays that lock-free GETs may be writing to a socket); the store does the
/// journaling and memory accounting around the changes.
/// </summary>
internal sealed class HashValue
{
    /// <summary>The defaults of Redis 7's hash-max-listpack-entries and hash-max-listpack-value (as its
    /// redis.conf sets them): beyond either, a hash is a hashtable, as OBJECT ENCODING reports it.</summary>
    internal const int ListpackMaxEntries = 128;
    internal const int ListpackMaxValue = 64;

    /// <summary>Rough cost of one field's dictionary entry and array headers, for memory accounting.</summary>
    internal const int PerFieldOverhead = 48;

    private readonly Dictionary<byte[], byte[]> _fields;
    private readonly Dictionary<byte[], byte[]>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    // As in Redis a hash never converts back to a listpack once it has grown out of one.
    private bool _hashtable;
    // HSCAN's order while an iteration runs: the fields sorted by a hash fixed for the life of the process.
    private uint[]? _scanHashes;
    private byte[][]? _scanFields;

    public HashValue(int capacity = 0)
    {
        _fields = new Dictionary<byte[], byte[]>(capacity, ByteArrayKeyComparer.Instance);
        _bySpan = _fields.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _fields.Count;

    /// <summary>Approximate bytes held by fields and values.</summary>
    public long UsedBytes { get; private set; }

    public string Encoding => _hashtable ? "hashtable" : "listpack";

    public IEnumerable<KeyValuePair<byte[], byte[]>> Fields => _fields;

    public bool TryGet(ReadOnlySpan<byte> field, out byte[] value)
    {
        if (_bySpan.TryGetValue(field, out byte[]? found))
        {
            value = found;
            return true;
        }

        value = [];
        return false;
    }

    public bool Contains(ReadOnlySpan<byte> field) => _bySpan.ContainsKey(field);

    /// <summary>Sets a field; returns the change in <see cref="UsedBytes"/> and whether the field is new. Past
    /// <paramref name="maxEntries"/> fields, or with a field or value longer than <paramref name="maxValue"/>,
    /// the hash becomes a hashtable (CONFIG SET hash-max-listpack-*).</summary>
    public long Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, out bool added,
        long maxEntries = ListpackMaxEntries, long maxValue = ListpackMaxValue)
    {
        long delta;
        if (_bySpan.TryGetValue(field, out byte[]? current))
        {
            added = false;
            delta = value.Length - current.Length;
            _bySpan[field] = value.ToArray();
        }
        else
        {
            added = true;
            delta = field.Length + value.Length + PerFieldOverhead;
            _bySpan[field] = value.ToArray();
        }

        if (field.Length > maxValue || value.Length > maxValue || _fields.Count > maxEntries)
        {
            _hashtable = true;
        }

        UsedBytes += delta;
        return delta;
    }

    /// <summary>Removes a field; returns the change in <see cref="UsedBytes"/> (0 when it was not there).</summary>
    public long Remove(ReadOnlySpan<byte> field, out bool removed)
    {
        if (!_bySpan.Remove(field, out byte[]? key, out byte[]? value))
        {
            removed = false;
            return 0;
        }

        removed = true;
        long delta = -(key.Length + value.Length + PerFieldOverhead);
        UsedBytes += delta;
        return delta;
    }

    /// <summary>A copy (COPY); the arrays are shared, since stored arrays are never modified.</summary>
    public HashValue Clone()
    {
        var copy = new HashValue(_fields.Count) { _hashtable = _hashtable, UsedBytes = UsedBytes };
        foreach (var pair in _fields)
        {
            copy._fields[pair.Key] = pair.Value;
        }

        return copy;
    }

    /// <summary>
    /// One HSCAN call over a hashtable: up to <paramref name="count"/> fields from <paramref name="cursor"/> on
    /// (plus any sharing the last one's hash: a cursor cannot point between them), added to <paramref name="page"/>;
    /// returns the next cursor, 0 when done. A cursor is the field hash to go on from plus one, so a field present
    /// for the whole iteration is returned at least once however the hash changes meanwhile, as Redis promises.
    /// </summary>
    /// <remarks>The sorted order is a snapshot taken when an iteration starts and dropped when one ends; fields
    /// deleted since are skipped, fields added since may or may not be returned, as in Redis. Caller holds the
    /// store's write lock.</remarks>
    public ulong Scan(ulong cursor, long count, List<KeyValuePair<byte[], byte[]>> page)
    {
        if (cursor > (ulong)uint.MaxValue + 1)
        {
            return 0;
        }

        if (cursor == 0 || _scanHashes is null)
        {
            _scanFields = [.. _fields.Keys];
            _scanHashes = new uint[_scanFields.Length];
            for (int i = 0; i < _scanFields.Length; i++)
            {
                _scanHashes[i] = HashOf(_scanFields[i]);
            }

            Array.Sort(_scanHashes, _scanFields);
        }

        uint from = cursor == 0 ? 0 : (uint)(cursor - 1);
        int at = Array.BinarySearch(_scanHashes, from);
        if (at < 0)
        {
            at = ~at;
        }

        // BinarySearch finds any of several equal hashes: step back to the first.
        while (at > 0 && _scanHashes[at - 1] == from)
        {
            at--;
        }

        int taken = 0;
        while (at < _scanHashes.Length)
        {
            uint hash = _scanHashes[at];
            if (taken >= count)
            {
                return (ulong)hash + 1;
            }

            for (; at < _scanHashes.Length && _scanHashes[at] == hash; at++)
            {
                if (_bySpan.TryGetValue(_scanFields![at], out byte[]? value))
                {
                    page.Add(new(_scanFields[at], value));
                    taken++;
                }
            }
        }

        _scanHashes = null;
        _scanFields = null;
        return 0;
    }

    private static uint HashOf(byte[] field) => (uint)ByteArrayKeyComparer.Instance.GetHashCode(field);

    /// <summary>The fields and values as they are now, for a reader that cannot hold the lock (the log rewrite).</summary>
    public KeyValuePair<byte[], byte[]>[] Snapshot() => [.. _fields];
}
