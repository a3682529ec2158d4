using System.Collections.Concurrent;

namespace NetKit.KeyValue;

/// <summary>Hash values: the typed lookup and the in-place changes, each journaled and accounted for maxmemory.</summary>
public sealed partial class KeyValueStore
{
    /// <summary>The hash at <paramref name="key"/>; read it under the write lock.</summary>
    /// <exception cref="WrongTypeException">The key holds another type.</exception>
    internal bool TryGetHash(ReadOnlySpan<byte> key, out HashValue hash)
    {
        if (TryGetValue(key, out object found))
        {
            hash = found as HashValue ?? throw new WrongTypeException();
            return true;
        }

        hash = null!;
        return false;
    }

    /// <summary>The hash at <paramref name="key"/>, made empty if the key is missing (the caller then adds a
    /// field before releasing the lock: an empty hash must not be left behind). Caller holds <see cref="WriteLock"/>.</summary>
    /// <exception cref="WrongTypeException">The key holds another type.</exception>
    internal HashValue GetOrAddHashLocked(ReadOnlySpan<byte> key)
    {
        if (TryGetHash(key, out HashValue hash))
        {
            return hash;
        }

        hash = new HashValue();
        _valuesBySpan[key] = hash;
        Interlocked.Add(ref _usedBytes, key.Length + PerKeyOverhead);
        Created(key);
        return hash;
    }

    /// <summary>Sets a field of a hash got from <see cref="GetOrAddHashLocked"/>; true when the field is new.</summary>
    internal bool HashSetLocked(ReadOnlySpan<byte> key, HashValue hash, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        Interlocked.Add(ref _usedBytes, hash.Set(field, value, out bool added, _set.HashMaxListpackEntries, _set.HashMaxListpackValue));
        TouchLocked(key);
        Journal?.RecordHashSet(Index, key, field, value);
        return added;
    }

    /// <summary>Removes a field; a hash left empty is removed with it, as in Redis. True when the field was there.</summary>
    internal bool HashDeleteLocked(ReadOnlySpan<byte> key, HashValue hash, ReadOnlySpan<byte> field)
    {
        long delta = hash.Remove(field, out bool removed);
        if (!removed)
        {
            return false;
        }

        Interlocked.Add(ref _usedBytes, delta);
        TouchLocked(key);
        Journal?.RecordHashDelete(Index, key, field);
        if (hash.Count == 0)
        {
            // The HDEL record empties the hash on replay too, which deletes it there as well.
            DropLocked(key);
        }

        return true;
    }
}
