namespace NetKit.KeyValue;

/// <summary>
/// A SCAN-style iteration over a dictionary keyed by byte arrays, in the order of a hash fixed for the life of
/// the process. A cursor is the hash to go on from plus one, so an entry present for the whole iteration is
/// returned at least once however the dictionary changes meanwhile, as Redis promises for its dict scans.
/// </summary>
/// <remarks>The sorted order is a snapshot taken when an iteration starts (cursor 0) and dropped when one ends;
/// entries deleted since are skipped, entries added since may or may not be returned, as in Redis.</remarks>
internal sealed class HashOrderScan<T>
{
    private uint[]? _hashes;
    private byte[][]? _keys;

    /// <summary>Adds up to <paramref name="count"/> entries from <paramref name="cursor"/> on (plus any sharing the
    /// last one's hash: a cursor cannot point between them) to <paramref name="page"/>; returns the next cursor, 0
    /// when done.</summary>
    public ulong Next(ulong cursor, long count, Dictionary<byte[], T> entries, List<T> page)
    {
        if (cursor > (ulong)uint.MaxValue + 1)
        {
            return 0;
        }

        if (cursor == 0 || _hashes is null)
        {
            _keys = [.. entries.Keys];
            _hashes = new uint[_keys.Length];
            for (int i = 0; i < _keys.Length; i++)
            {
                _hashes[i] = (uint)ByteArrayKeyComparer.Instance.GetHashCode(_keys[i]);
            }

            Array.Sort(_hashes, _keys);
        }

        uint from = cursor == 0 ? 0 : (uint)(cursor - 1);
        int at = Array.BinarySearch(_hashes, from);
        if (at < 0)
        {
            at = ~at;
        }

        // BinarySearch finds any of several equal hashes: step back to the first.
        while (at > 0 && _hashes[at - 1] == from)
        {
            at--;
        }

        int taken = 0;
        while (at < _hashes.Length)
        {
            uint hash = _hashes[at];
            if (taken >= count)
            {
                return (ulong)hash + 1;
            }

            for (; at < _hashes.Length && _hashes[at] == hash; at++)
            {
                if (entries.TryGetValue(_keys![at], out T? value))
                {
                    page.Add(value);
                    taken++;
                }
            }
        }

        _hashes = null;
        _keys = null;
        return 0;
    }
}
