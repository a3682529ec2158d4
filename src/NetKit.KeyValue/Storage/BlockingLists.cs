namespace NetKit.KeyValue;

/// <summary>
/// The clients blocked on list keys, per database and key in the order they blocked, and the keys a push has
/// made ready since they were last served. As Redis's handleClientsBlockedOnKeys, serving happens after the
/// command that pushed (or the whole EXEC) is done, so a transaction's pushes wake nobody until it ends:
/// <see cref="ServeReady"/> runs after each command. Each ready key's waiters are served in order while it
/// holds elements; a BLMOVE served pushes to its destination, which is then served in turn. Everything here
/// is guarded by the store's write lock, shared by every database.
/// </summary>
internal sealed class BlockingLists
{
    private readonly DatabaseSet _set;
    private readonly Dictionary<byte[], LinkedList<BlockedClient>>?[] _waiting;
    private readonly List<(int Database, byte[] Key)> _ready = [];
    private volatile bool _anyReady;
    private int _blockedCount;

    public BlockingLists(DatabaseSet set, int databases)
    {
        _set = set;
        _waiting = new Dictionary<byte[], LinkedList<BlockedClient>>?[databases];
    }

    /// <summary>Clients blocked now (INFO's blocked_clients, with those CLIENT PAUSE holds).</summary>
    public int Count => Volatile.Read(ref _blockedCount);

    /// <summary>A push reached <paramref name="key"/>: if anyone waits on it, it is served after the command.
    /// Caller holds the write lock; costs one read when nobody is blocked.</summary>
    public void SignalLocked(int database, ReadOnlySpan<byte> key)
    {
        if (_blockedCount == 0 || _waiting[database] is not { } byKey
            || !byKey.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out byte[]? waitedKey, out _))
        {
            return;
        }

        _ready.Add((database, waitedKey));
        _anyReady = true;
    }

    /// <summary>Database <paramref name="database"/> now holds other data (SWAPDB): every waited key that is a
    /// list there is ready, as Redis 7.0 scans for them.</summary>
    public void SignalDatabaseLocked(int database)
    {
        if (_blockedCount == 0 || _waiting[database] is not { Count: > 0 } byKey)
        {
            return;
        }

        var store = _set[database];
        foreach (var key in byKey.Keys)
        {
            if (store.TryPeekValue(key, out object value) && value is ListValue)
            {
                _ready.Add((database, key));
                _anyReady = true;
            }
        }
    }

    /// <summary>Queues <paramref name="client"/> on each of its keys and starts its timer (0 = no deadline).
    /// Caller holds the write lock.</summary>
    public void BlockLocked(BlockedClient client, long timeoutMs, TimeProvider time)
    {
        var byKey = _waiting[client.Database] ??= new(ByteArrayKeyComparer.Instance);
        client.Nodes = new LinkedListNode<BlockedClient>?[client.Keys.Length];
        for (int i = 0; i < client.Keys.Length; i++)
        {
            var key = client.Keys[i];
            if (IndexOf(client, key) != i)
            {
                // BLPOP k k: one place in the queue.
                continue;
            }

            if (!byKey.TryGetValue(key, out var queue))
            {
                byKey[key] = queue = new LinkedList<BlockedClient>();
            }

            client.Nodes[i] = queue.AddLast(client);
        }

        client.State = BlockState.Waiting;
        _blockedCount++;
        if (timeoutMs > 0)
        {
            client.Timer = time.CreateTimer(_ => TimedOut(client), null, TimeSpan.FromMilliseconds(Math.Min(timeoutMs, uint.MaxValue - 2)), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Ends a wait that has not ended yet, with <paramref name="state"/>, and wakes the client.
    /// Caller holds the write lock; false when it was not waiting.</summary>
    public bool EndLocked(BlockedClient client, BlockState state)
    {
        if (client.State != BlockState.Waiting)
        {
            return false;
        }

        Leave(client);
        client.State = state;
        client.Session.PubSub.Outbox.Wake();
        return true;
    }

    /// <summary>The client's timer fired.</summary>
    public void TimedOut(BlockedClient client)
    {
        lock (_set.WriteLock)
        {
            EndLocked(client, BlockState.TimedOut);
        }
    }

    /// <summary>
    /// The client's connection has gone: it leaves every queue; elements served to it and never written go
    /// back where they came from, so nothing a push put in a list is lost with a client that never got it.
    /// </summary>
    public void Forget(BlockedClient client)
    {
        lock (_set.WriteLock)
        {
            if (client.State == BlockState.Waiting)
            {
                Leave(client);
            }
            else if (client.State == BlockState.Served && client.SortedSet && client.ServedKey is { } setKey)
            {
                var store = _set[client.Database];
                var set = store.GetOrAddSortedSetLocked(setKey);
                for (int i = 0; i < client.Served.Count; i++)
                {
                    store.SortedSetSetLocked(setKey, set, client.Served[i], client.ServedScores[i]);
                }
            }
            else if (client.State == BlockState.Served && client.Destination is null && client.ServedKey is { } key)
            {
                var store = _set[client.Database];
                var list = store.GetOrAddListLocked(key);
                for (int i = client.Served.Count - 1; i >= 0; i--)
                {
                    store.ListPushLocked(key, list, client.FromHead, client.Served[i]);
                }
            }

            client.State = BlockState.None;
            client.Served.Clear();
        }

        ServeReady();
    }

    /// <summary>Serves the clients waiting on keys pushed to since the last call; one read when there are none.</summary>
    public void ServeReady()
    {
        if (!_anyReady)
        {
            return;
        }

        lock (_set.WriteLock)
        {
            // Serving a BLMOVE may push to another waited key, which joins the list being walked.
            for (int r = 0; r < _ready.Count; r++)
            {
                var (database, key) = _ready[r];
                ServeKeyLocked(database, key);
            }

            _ready.Clear();
            _anyReady = false;
        }
    }

    private void ServeKeyLocked(int database, byte[] key)
    {
        var store = _set[database];
        while (_waiting[database] is { } byKey && byKey.TryGetValue(key, out var queue) && queue.First is { } first)
        {
            if (first.Value.SortedSet)
            {
                if (!ServeSortedSetLocked(store, key, first.Value))
                {
                    return;
                }

                continue;
            }

            ListValue list;
            try
            {
                if (!store.TryGetList(key, out list))
                {
                    return;
                }
            }
            catch (WrongTypeException)
            {
                // As Redis 7.0: a key that became another type leaves its waiters waiting.
                return;
            }

            var client = first.Value;
            if (client.Destination is { } destination && !CanReceive(store, destination))
            {
                EndLocked(client, BlockState.WrongType);
                continue;
            }

            Leave(client);
            client.ServedKey = key;
            client.Served.Clear();
            if (client.Destination is { } to)
            {
                client.Served.Add(store.ListMoveLocked(key, list, client.FromHead, to, client.ToHead));
            }
            else
            {
                store.ListPopLocked(key, list, client.FromHead, client.Count, client.Served);
            }

            client.State = BlockState.Served;
            client.Session.PubSub.Outbox.Wake();
        }
    }

    /// <summary>Serves a BZPOPMIN/BZPOPMAX/BZMPOP waiter from the sorted set at <paramref name="key"/>; false when
    /// the key holds no sorted set (or another type: its waiters wait on, as in Redis 7.0).</summary>
    private bool ServeSortedSetLocked(KeyValueStore store, byte[] key, BlockedClient client)
    {
        SortedSetValue set;
        try
        {
            if (!store.TryGetSortedSet(key, out set))
            {
                return false;
            }
        }
        catch (WrongTypeException)
        {
            return false;
        }

        Leave(client);
        client.ServedKey = key;
        client.Served.Clear();
        client.ServedScores.Clear();
        foreach (var (member, score) in SortedSetCommands.PopLocked(store, key, set, max: !client.FromHead, client.Count))
        {
            client.Served.Add(member);
            client.ServedScores.Add(score);
        }

        client.State = BlockState.Served;
        client.Session.PubSub.Outbox.Wake();
        return true;
    }

    private static bool CanReceive(KeyValueStore store, byte[] destination)
    {
        try
        {
            return !store.TryGetValue(destination, out _) || store.TryGetList(destination, out _);
        }
        catch (WrongTypeException)
        {
            return false;
        }
    }

    private void Leave(BlockedClient client)
    {
        client.Timer?.Dispose();
        client.Timer = null;
        var byKey = _waiting[client.Database];
        for (int i = 0; i < client.Nodes.Length; i++)
        {
            if (client.Nodes[i] is { } node && node.List is { } queue)
            {
                queue.Remove(node);
                if (queue.Count == 0)
                {
                    byKey?.Remove(client.Keys[i]);
                }
            }

            client.Nodes[i] = null;
        }

        _blockedCount--;
    }

    private static int IndexOf(BlockedClient client, ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < client.Keys.Length; i++)
        {
            if (client.Keys[i].AsSpan().SequenceEqual(key))
            {
                return i;
            }
        }

        return -1;
    }
}
