using System.Collections.Concurrent;

namespace NetKit.KeyValue;

/// <summary>
/// One numbered database of a kv server: keys are arbitrary bytes, each holding a typed value (a string, a
/// hash) and perhaps an absolute expiry time. Reads of strings take no lock. Changes are serialised by one
/// short lock, shared by every database of the server and never held across I/O: it makes compound commands
/// (INCR, SETNX, RENAME, EXEC...) atomic and gives the journal (the append-only log) the exact order in which
/// changes were applied.
/// </summary>
/// <remarks>
/// As in Redis, expiry times live in a second dictionary beside the values, so a key without a TTL costs
/// nothing extra and GET stays one lookup when no key has a TTL. A string is stored as a byte array that is
/// never modified after it is stored: a reader may be writing one to a socket while a SET replaces it. Other
/// types are mutable and are read and changed only under the write lock.
/// The store made with the public constructor is database 0 and makes its siblings (1 to N-1).
/// </remarks>
public sealed partial class KeyValueStore
{
    /// <summary>Redis's default number of databases.</summary>
    public const int DefaultDatabases = 16;

    /// <summary>Rough per-key bookkeeping cost (dictionary node, array headers), for memory accounting.</summary>
    internal const int PerKeyOverhead = 64;

    private readonly ConcurrentDictionary<byte[], object> _values;
    private readonly ConcurrentDictionary<byte[], object>.AlternateLookup<ReadOnlySpan<byte>> _valuesBySpan;
    private readonly ConcurrentDictionary<byte[], long> _expires;
    private readonly ConcurrentDictionary<byte[], long>.AlternateLookup<ReadOnlySpan<byte>> _expiresBySpan;
    private readonly DatabaseSet _set;
    private readonly TimeProvider _time;
    private IEnumerator<KeyValuePair<byte[], long>>? _sweepCursor;
    // Guarded by the write lock: the sessions WATCHing each key, null until the first WATCH.
    private Dictionary<byte[], List<ClientSession>>? _watchers;
    private long _usedBytes;
    private int _expiringCount;
    private long _expiredKeys;

    /// <param name="databases">How many databases the server has (<c>--databases</c>); this store is number 0.</param>
    public KeyValueStore(TimeProvider? timeProvider = null, int databases = DefaultDatabases)
    {
        _time = timeProvider ?? TimeProvider.System;
        (_values, _valuesBySpan, _expires, _expiresBySpan) = CreateDictionaries();
        _set = new DatabaseSet(this, databases, _time);
    }

    internal KeyValueStore(DatabaseSet set, int index)
    {
        _time = set.Time;
        (_values, _valuesBySpan, _expires, _expiresBySpan) = CreateDictionaries();
        _set = set;
        Index = index;
    }

    /// <summary>Each key's last access and LFU counter (OBJECT IDLETIME / FREQ).</summary>
    internal AccessTracker Access { get; } = new();

    /// <summary>Serialises changes, in every database of the server. Hold it (<c>lock (store.WriteLock)</c>)
    /// around the <c>*Locked</c> methods.</summary>
    public Lock WriteLock => _set.WriteLock;

    /// <summary>Where changes are recorded (the append-only log), for every database; null when the data is in memory only.</summary>
    public IKeyValueJournal? Journal
    {
        get => _set.Journal;
        set => _set.Journal = value;
    }

    /// <summary>This database's number (SELECT's index). Changed by SWAPDB, under the write lock.</summary>
    public int Index { get; internal set; }

    /// <summary>Every database of the server, this one included.</summary>
    internal DatabaseSet Databases => _set;

    /// <summary>The number of keys, counting expired ones not yet removed.</summary>
    public int Count => _values.Count;

    /// <summary>Keys that carry an expiry time.</summary>
    public int ExpiringCount => Volatile.Read(ref _expiringCount);

    // ConcurrentDictionary.IsEmpty takes every lock when the dictionary is empty: too dear for each GET.
    private bool NoExpiries => Volatile.Read(ref _expiringCount) == 0;

    /// <summary>Approximate bytes held by keys and values in this database.</summary>
    public long UsedBytes => Volatile.Read(ref _usedBytes);

    /// <summary>Keys removed because their time ran out, lazily or by the sweep.</summary>
    public long ExpiredKeys => Volatile.Read(ref _expiredKeys);

    public TimeProvider TimeProvider => _time;

    /// <summary>Now, in Unix milliseconds, as expiry times are kept: while a command runs, the time it started
    /// (<see cref="CommandTime"/>).</summary>
    public long NowMs => CommandTime.NowMs(_time);

    /// <summary>Looks up the string at <paramref name="key"/>; an expired key is removed and reported missing.</summary>
    /// <param name="value">The stored value; callers must not modify it.</param>
    /// <exception cref="WrongTypeException">The key holds another type.</exception>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[] value)
    {
        if (TryGetValue(key, out object found))
        {
            value = found as byte[] ?? throw new WrongTypeException();
            return true;
        }

        value = [];
        return false;
    }

    /// <summary>Looks up a string key and its expiry (Unix ms, 0 = none).</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[] value, out long expiresAtMs)
    {
        expiresAtMs = 0;
        if (!TryGet(key, out value))
        {
            return false;
        }

        if (!NoExpiries && _expiresBySpan.TryGetValue(key, out long at))
        {
            expiresAtMs = at;
        }

        return true;
    }

    /// <summary>Looks up a key of any type; an expired key is removed and reported missing.</summary>
    internal bool TryGetValue(ReadOnlySpan<byte> key, out object value)
    {
        if (TryPeekValue(key, out value))
        {
            Access.Touch(key, NowMs);
            return true;
        }

        return false;
    }

    /// <summary>As <see cref="TryGet(ReadOnlySpan{byte}, out byte[])"/> without counting as an access (OBJECT, as
    /// Redis's LOOKUP_NOTOUCH).</summary>
    internal bool TryPeek(ReadOnlySpan<byte> key, out byte[] value)
    {
        if (TryPeekValue(key, out object found))
        {
            value = found as byte[] ?? throw new WrongTypeException();
            return true;
        }

        value = [];
        return false;
    }

    /// <summary>A key of any type, without counting as an access.</summary>
    internal bool TryPeekValue(ReadOnlySpan<byte> key, out object value)
    {
        if (_valuesBySpan.TryGetValue(key, out object? found))
        {
            if (NoExpiries || !IsExpired(key))
            {
                value = found;
                return true;
            }

            ExpireNow(key);
        }

        value = null!;
        return false;
    }

    /// <summary>Looks up a key of any type and its expiry (Unix ms, 0 = none); <paramref name="touch"/> false for
    /// a look that is not an access (TTL and its kind, as Redis's LOOKUP_NOTOUCH).</summary>
    internal bool TryGetValue(ReadOnlySpan<byte> key, out object value, out long expiresAtMs, bool touch = true)
    {
        expiresAtMs = 0;
        if (!(touch ? TryGetValue(key, out value) : TryPeekValue(key, out value)))
        {
            return false;
        }

        if (!NoExpiries && _expiresBySpan.TryGetValue(key, out long at))
        {
            expiresAtMs = at;
        }

        return true;
    }

    public bool ContainsKey(ReadOnlySpan<byte> key) => TryGetValue(key, out _);

    /// <summary>Stores a copy of <paramref name="value"/> under <paramref name="key"/> with no expiry.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        lock (WriteLock)
        {
            SetLocked(key, value, expiresAtMs: 0);
        }
    }

    /// <summary>Removes <paramref name="key"/>; false when it was not there.</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        lock (WriteLock)
        {
            return RemoveLocked(key);
        }
    }

    /// <summary>Removes every key of this database.</summary>
    public void Clear()
    {
        lock (WriteLock)
        {
            ClearLocked();
        }
    }

    /// <summary>Stores a copy of the string, whatever the key held. <paramref name="expiresAtMs"/>: Unix ms,
    /// 0 = no expiry, -1 = keep the key's current expiry. Caller holds <see cref="WriteLock"/>.</summary>
    public void SetLocked(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs)
    {
        if (!NoExpiries && IsExpired(key))
        {
            // As Redis's lookupKeyWrite: a key whose time ran out is expired (and said so) before it is replaced.
            ExpireNow(key);
        }

        long keepAt = 0;
        if (expiresAtMs < 0)
        {
            _expiresBySpan.TryGetValue(key, out keepAt);
            expiresAtMs = keepAt;
        }

        if (_valuesBySpan.TryGetValue(key, out object? current))
        {
            // Rewriting the same value (benchmarks, idempotent clients) then costs no allocation.
            if (current is not byte[] bytes || !bytes.AsSpan().SequenceEqual(value))
            {
                _valuesBySpan[key] = value.ToArray();
                Interlocked.Add(ref _usedBytes, value.Length - StoredValues.SizeOf(current));
            }

            Access.Written(key, NowMs);
        }
        else
        {
            _valuesBySpan[key] = value.ToArray();
            Interlocked.Add(ref _usedBytes, key.Length + value.Length + PerKeyOverhead);
            Created(key);
        }

        SetExpiryLocked(key, expiresAtMs);
        TouchLocked(key);
        Journal?.RecordSet(Index, key, value, expiresAtMs);
    }

    /// <summary>Stores <paramref name="value"/> of any type as it is (RENAME, MOVE, COPY: the caller hands over a
    /// value no other key holds, and a string's <paramref name="form"/> goes with it), journaled whole. Caller
    /// holds <see cref="WriteLock"/>.</summary>
    internal void PutLocked(ReadOnlySpan<byte> key, object value, long expiresAtMs, StringForm form = StringForm.ByContent)
    {
        // The key is made anew, whatever it held (a "new" event, as Redis's dbDelete then dbAdd).
        DropLocked(key);
        if (value is byte[] bytes)
        {
            SetLocked(key, bytes, expiresAtMs);
            Access.MadeAs(key, form);
            return;
        }

        _valuesBySpan[key] = value;
        Interlocked.Add(ref _usedBytes, key.Length + StoredValues.SizeOf(value) + PerKeyOverhead);
        Created(key);
        SetExpiryLocked(key, expiresAtMs);
        TouchLocked(key);
        if (Journal is { } journal)
        {
            JournalValue(journal, key, value, expiresAtMs);
        }

        if (value is ListValue or SortedSetValue)
        {
            _set.Blocking.SignalLocked(Index, key);
        }
    }

    /// <summary>Caller holds <see cref="WriteLock"/>.</summary>
    public bool RemoveLocked(ReadOnlySpan<byte> key)
    {
        if (!DropLocked(key))
        {
            return false;
        }

        Journal?.RecordDelete(Index, key);
        return true;
    }

    /// <summary>FLUSHDB. Caller holds <see cref="WriteLock"/>.</summary>
    public void ClearLocked()
    {
        DropAllLocked();
        Journal?.RecordClear(Index);
    }

    /// <summary>Empties this database without journaling; watched keys that existed are touched.</summary>
    internal void DropAllLocked()
    {
        TouchAllWatchedLocked(null);
        _values.Clear();
        _expires.Clear();
        Access.Clear();
        _sweepCursor = null;
        Volatile.Write(ref _expiringCount, 0);
        Volatile.Write(ref _usedBytes, 0);
    }

    /// <summary>Every live key, in no particular order (a moving snapshot: keys added or removed meanwhile
    /// may or may not appear).</summary>
    public IEnumerable<byte[]> Keys()
    {
        long now = NowMs;
        foreach (var pair in _values)
        {
            if (NoExpiries || !_expires.TryGetValue(pair.Key, out long at) || at > now)
            {
                yield return pair.Key;
            }
        }
    }

    /// <summary>Every live entry with its expiry (0 = none), for a log rewrite. A value other than a string
    /// (byte[]) may only be read under the write lock.</summary>
    public IEnumerable<(byte[] Key, object Value, long ExpiresAtMs)> Entries()
    {
        long now = NowMs;
        foreach (var pair in _values)
        {
            long at = 0;
            if (!NoExpiries && _expires.TryGetValue(pair.Key, out at) && at <= now)
            {
                continue;
            }

            yield return (pair.Key, pair.Value, at);
        }
    }

    /// <summary>Journals this database's whole content after an empty-it record (SWAPDB). Caller holds <see cref="WriteLock"/>.</summary>
    internal void JournalWholeLocked(IKeyValueJournal journal)
    {
        journal.RecordClear(Index);
        foreach (var (key, value, expiresAtMs) in Entries())
        {
            JournalValue(journal, key, value, expiresAtMs);
        }
    }

    private void JournalValue(IKeyValueJournal journal, ReadOnlySpan<byte> key, object value, long expiresAtMs)
    {
        switch (value)
        {
            case byte[] bytes:
                journal.RecordSet(Index, key, bytes, expiresAtMs);
                return;
            case HashValue hash:
                journal.RecordDelete(Index, key);
                foreach (var (field, fieldValue) in hash.Fields)
                {
                    journal.RecordHashSet(Index, key, field, fieldValue);
                }

                break;
            case SetValue set:
                journal.RecordDelete(Index, key);
                foreach (byte[] member in set.Members)
                {
                    journal.RecordSetAdd(Index, key, member);
                }

                break;
            case SortedSetValue sortedSet:
                JournalSortedSet(journal, key, sortedSet);
                break;
            case ListValue list:
                JournalList(journal, key, list);
                break;
        }

        if (expiresAtMs > 0)
        {
            journal.RecordExpireAt(Index, key, expiresAtMs);
        }
    }

    /// <summary>Starts a new key's access record, keyed by the stored key array.</summary>
    private void Created(ReadOnlySpan<byte> key)
    {
        if (_valuesBySpan.TryGetValue(key, out byte[]? storedKey, out _))
        {
            Access.Created(storedKey, NowMs);
        }

        Notify(KeyspaceEventClass.New, "new"u8, key);
    }

    /// <summary>Removes a key and its expiry without journaling (expiry is derived from absolute times on replay).</summary>
    private bool DropLocked(ReadOnlySpan<byte> key)
    {
        if (!_valuesBySpan.TryRemove(key, out byte[]? storedKey, out object? value))
        {
            return false;
        }

        if (_expiresBySpan.TryRemove(key, out _))
        {
            Volatile.Write(ref _expiringCount, _expiringCount - 1);
        }

        Access.Removed(key);
        Interlocked.Add(ref _usedBytes, -(storedKey.Length + StoredValues.SizeOf(value) + PerKeyOverhead));
        TouchLocked(key);
        return true;
    }

    private static (ConcurrentDictionary<byte[], object>, ConcurrentDictionary<byte[], object>.AlternateLookup<ReadOnlySpan<byte>>,
        ConcurrentDictionary<byte[], long>, ConcurrentDictionary<byte[], long>.AlternateLookup<ReadOnlySpan<byte>>) CreateDictionaries()
    {
        var values = new ConcurrentDictionary<byte[], object>(ByteArrayKeyComparer.Instance);
        var expires = new ConcurrentDictionary<byte[], long>(ByteArrayKeyComparer.Instance);
        return (values, values.GetAlternateLookup<ReadOnlySpan<byte>>(), expires, expires.GetAlternateLookup<ReadOnlySpan<byte>>());
    }
}
