namespace NetKit.KeyValue;

/// <summary>
/// The numbered databases of one server (SELECT's 0 to N-1). They share one write lock — so a change that
/// spans databases (MOVE, SWAPDB, COPY ... DB, a transaction that SELECTs) is as atomic as one within a
/// database — and one journal, which is told each change's database number.
/// </summary>
internal sealed class DatabaseSet
{
    private readonly KeyValueStore[] _databases;
    private int _exclusive;

    public DatabaseSet(KeyValueStore first, int count, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _databases = new KeyValueStore[count];
        _databases[0] = first;
        Time = time;
        Blocking = new BlockingLists(this, count);
        for (int i = 1; i < count; i++)
        {
            _databases[i] = new KeyValueStore(this, i);
        }
    }

    public Lock WriteLock { get; } = new();

    public IKeyValueJournal? Journal { get; set; }

    /// <summary>CLIENT PAUSE, which suspends expiry while it is on; null for a store without a server.</summary>
    public ClientPause? Pause { get; set; }

    /// <summary>Keyspace notifications (notify-keyspace-events), for every database.</summary>
    public KeyspaceEvents Events { get; } = new();

    public TimeProvider Time { get; }

    /// <summary>hash-max-listpack-entries: a hash with more fields is a hashtable. Read under the write lock.</summary>
    public long HashMaxListpackEntries { get; set; } = HashValue.ListpackMaxEntries;

    /// <summary>hash-max-listpack-value: a hash with a longer field or value is a hashtable.</summary>
    public long HashMaxListpackValue { get; set; } = HashValue.ListpackMaxValue;

    /// <summary>set-max-intset-entries: a set of more integers is a hashtable.</summary>
    public long SetMaxIntsetEntries { get; set; } = SetValue.IntsetMaxEntries;
    /// <summary>zset-max-listpack-entries: a sorted set with more members is a skiplist. Read under the write lock.</summary>
    public long ZsetMaxListpackEntries { get; set; } = SortedSetValue.ListpackMaxEntries;

    /// <summary>zset-max-listpack-value: a sorted set with a longer member is a skiplist.</summary>
    public long ZsetMaxListpackValue { get; set; } = SortedSetValue.ListpackMaxValue;
    /// <summary>Clients blocked on list keys (BLPOP...), in every database.</summary>
    public BlockingLists Blocking { get; }

    /// <summary>Nonzero while a log rewrite's snapshot runs: the number lists are preserved under (see
    /// <see cref="KeyValueStore.PreserveForRewriteLocked"/>). Read and changed under the write lock.</summary>
    public long RewriteEpoch { get; set; }

    /// <summary>list-max-listpack-size and list-compress-depth, kept for CONFIG GET: Redis 7.0 keeps every list
    /// as a quicklist whatever they say, so they change nothing that shows.</summary>
    public long ListMaxListpackSize { get; set; } = -2;

    public long ListCompressDepth { get; set; }

    public int Count => _databases.Length;

    /// <summary>Database <paramref name="index"/> as it is now (SWAPDB moves them).</summary>
    public KeyValueStore this[int index] => Volatile.Read(ref _databases[index]);

    public IEnumerable<KeyValueStore> All => _databases;

    /// <summary>Bytes held in every database, for <c>--maxmemory</c>.</summary>
    public long UsedBytes
    {
        get
        {
            long total = 0;
            foreach (var database in _databases)
            {
                total += database.UsedBytes;
            }

            return total;
        }
    }

    /// <summary>Keys evicted from every database.</summary>
    public long EvictedKeys => _databases.Sum(database => database.EvictedKeys);

    /// <summary>Keys expired in every database.</summary>
    public long ExpiredKeys => _databases.Sum(database => database.ExpiredKeys);

    /// <summary>
    /// True while a change of several steps (EXEC, SWAPDB) holds the write lock: reads, which take no lock
    /// otherwise, then wait for it so that nobody sees half of one.
    /// </summary>
    public bool ExclusiveChangeRunning => Volatile.Read(ref _exclusive) != 0;

    /// <summary>Marks the start of a change of several steps; the caller holds <see cref="WriteLock"/>.</summary>
    public void BeginExclusiveLocked() => Volatile.Write(ref _exclusive, _exclusive + 1);

    public void EndExclusiveLocked() => Volatile.Write(ref _exclusive, _exclusive - 1);

    /// <summary>Exchanges two databases' contents (SWAPDB): clients stay on their numbers and see the other data.
    /// The caller holds <see cref="WriteLock"/>.</summary>
    public void SwapLocked(int a, int b)
    {
        var first = _databases[a];
        var second = _databases[b];
        first.TouchAllWatchedLocked(second);
        second.TouchAllWatchedLocked(first);
        first.Index = b;
        second.Index = a;
        // The watches belong to the numbers, not to the data.
        first.SwapWatchers(second);
        Volatile.Write(ref _databases[a], second);
        Volatile.Write(ref _databases[b], first);
        Blocking.SignalDatabaseLocked(a);
        Blocking.SignalDatabaseLocked(b);
        if (Journal is { } journal)
        {
            // Logged as its effect, both databases rewritten whole, because replaying a SWAPDB record twice
            // (a rewrite snapshot already showing it, then its record) would undo it.
            journal.BeginTransaction();
            second.JournalWholeLocked(journal);
            first.JournalWholeLocked(journal);
            journal.EndTransaction();
        }
    }

    /// <summary>FLUSHALL. The caller holds <see cref="WriteLock"/>.</summary>
    public void ClearAllLocked()
    {
        foreach (var database in _databases)
        {
            database.DropAllLocked();
        }

        Journal?.RecordClearAll();
    }
}
