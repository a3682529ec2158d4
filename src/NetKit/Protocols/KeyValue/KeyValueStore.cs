using System.Collections.Concurrent;

namespace NetKit.Protocols.KeyValue;

/// <summary>
/// The key-value data shared by every kv connection. Keys and values are arbitrary bytes. Thread-safe
/// with fine-grained locking inside <see cref="ConcurrentDictionary{TKey, TValue}"/>: no lock is ever held
/// while a connection does I/O.
/// </summary>
/// <remarks>
/// Stored value arrays are never modified after they are stored: <see cref="TryGet"/> hands out the array
/// itself, and a reader writing it to a socket must not see a concurrent SET tear it. A SET therefore
/// stores a fresh copy (unless the value is unchanged).
/// </remarks>
public sealed class KeyValueStore
{
    private readonly ConcurrentDictionary<byte[], byte[]> _entries;
    // Cached: looking keys up by span (straight from the receive buffer) is what keeps GET allocation-free.
    private readonly ConcurrentDictionary<byte[], byte[]>.AlternateLookup<ReadOnlySpan<byte>> _entriesBySpan;

    public KeyValueStore()
    {
        _entries = new ConcurrentDictionary<byte[], byte[]>(ByteArrayKeyComparer.Instance);
        _entriesBySpan = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The number of keys.</summary>
    public int Count => _entries.Count;

    /// <summary>Looks up <paramref name="key"/>.</summary>
    /// <param name="value">The stored value; callers must not modify it.</param>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[] value)
    {
        if (_entriesBySpan.TryGetValue(key, out byte[]? found))
        {
            value = found;
            return true;
        }

        value = [];
        return false;
    }

    /// <summary>Stores a copy of <paramref name="value"/> under <paramref name="key"/>, replacing any previous value.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        // Rewriting the same value (benchmarks, idempotent clients) then costs no allocation. A racing
        // SET of another value is simply ordered after this one.
        if (_entriesBySpan.TryGetValue(key, out byte[]? existing) && value.SequenceEqual(existing))
        {
            return;
        }

        // The key array is only created when the key is new; an existing key is updated in place.
        _entriesBySpan[key] = value.ToArray();
    }

    /// <summary>Removes <paramref name="key"/>; false when it was not there.</summary>
    public bool Remove(ReadOnlySpan<byte> key) => _entriesBySpan.TryRemove(key, out _);

    /// <summary>Removes every key.</summary>
    public void Clear() => _entries.Clear();
}
