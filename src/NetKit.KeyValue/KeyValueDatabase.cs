using System.Collections.Concurrent;
using NetKit.Connections;

namespace NetKit.KeyValue;

/// <summary>
/// One kv server's shared state: the store, its limits and password, the log that makes it durable, the
/// connected clients' sessions (for CLIENT LIST and INFO) and the counters INFO reports, summed over them
/// when read. Every connection's <see cref="KeyValueProtocol"/> runs against one of these.
/// </summary>
public sealed class KeyValueDatabase : IDisposable
{
    private readonly ConcurrentDictionary<long, ClientSession> _clients = new();
    // Held while a closing session's counts move into _closed and while the counts are summed, so a sum
    // never sees a session both ways or neither.
    private readonly Lock _countersGate = new();
    private readonly SessionCounters _closed = new();
    private readonly KeyValueStore _first;
    private Timer? _expirySweep;
    private long _nextClientId;
    private long _totalConnections;
    private int _idleTimeoutSeconds;
    private ClientOutputLimits _outputLimits = ClientOutputLimits.Default;

    public KeyValueDatabase(KeyValueOptions? options = null, KeyValueStore? store = null)
    {
        Options = options ?? new KeyValueOptions();
        _first = store ?? new KeyValueStore(timeProvider: null, Options.Databases);
        Settings = new RuntimeSettings(Options);
        StartedAtMs = Store.NowMs;
        Pause = new ClientPause(Store.TimeProvider);
        Databases.Pause = Pause;
        Databases.Events.Broker = PubSub;
        Databases.Events.Flags = KeyspaceEvents.TryParse(Options.NotifyKeyspaceEvents, out var events)
            ? events
            : throw new ArgumentException(KeyspaceEvents.InvalidFlagsError, nameof(options));
    }

    public KeyValueOptions Options { get; }

    /// <summary>What CONFIG SET may change while the server runs.</summary>
    internal RuntimeSettings Settings { get; }

    internal SlowLog SlowLog { get; } = new();

    /// <summary>Who is subscribed to what (pub/sub).</summary>
    internal PubSubBroker PubSub { get; } = new();

    /// <summary>The clients in MONITOR mode, and the feed of commands to them.</summary>
    internal MonitorFeed Monitors { get; } = new();

    /// <summary>CLIENT PAUSE's state.</summary>
    internal ClientPause Pause { get; }

    /// <summary>CONFIG GET/SET client-output-buffer-limit: set from the server's limits, applied through <see cref="OutputLimitsChanged"/>.</summary>
    internal ClientOutputLimits OutputLimits
    {
        get => Volatile.Read(ref _outputLimits);
        set
        {
            Volatile.Write(ref _outputLimits, value);
            OutputLimitsChanged?.Invoke(value);
        }
    }

    /// <summary>Set by the server that owns this database: gives its listener new output limits.</summary>
    internal Action<ClientOutputLimits>? OutputLimitsChanged { get; set; }

    /// <summary>Redis's timeout: a client idle this many seconds is closed; 0 = never. Set from the server's
    /// idle timeout, changed by CONFIG SET timeout, applied through <see cref="IdleTimeoutChanged"/>.</summary>
    internal int IdleTimeoutSeconds
    {
        get => Volatile.Read(ref _idleTimeoutSeconds);
        set
        {
            Volatile.Write(ref _idleTimeoutSeconds, value);
            IdleTimeoutChanged?.Invoke(TimeSpan.FromSeconds(value));
        }
    }

    /// <summary>Set by the server that owns this database: gives its listener a new idle timeout.</summary>
    internal Action<TimeSpan>? IdleTimeoutChanged { get; set; }

    /// <summary>Set by the server that owns this database: stops it (SHUTDOWN).</summary>
    internal Action? Shutdown { get; set; }

    /// <summary>Set by the server that owns this database: cuts the connection of that id (CLIENT KILL); false when gone.</summary>
    internal Func<long, bool>? KillConnection { get; set; }

    /// <summary>Database 0, the one a new connection starts in.</summary>
    public KeyValueStore Store => _first.Databases[0];

    /// <summary>How many databases there are (<c>--databases</c>).</summary>
    public int DatabaseCount => _first.Databases.Count;

    /// <summary>Database <paramref name="index"/> (SELECT's number) as it is now: SWAPDB exchanges them.</summary>
    public KeyValueStore StoreAt(int index) => _first.Databases[index];

    internal DatabaseSet Databases => _first.Databases;

    /// <summary>The append-only log, once attached; null while the data is in memory only.</summary>
    public IKeyValueLog? Log { get; private set; }

    public long StartedAtMs { get; }

    public bool RequiresPassword => Settings.PasswordDigest is not null;

    public int ConnectedClients => _clients.Count;

    public long TotalConnections => Volatile.Read(ref _totalConnections);

    public long TotalCommands => SumCounters().Commands;

    public long KeyspaceHits => SumCounters().KeyspaceHits;

    public long KeyspaceMisses => SumCounters().KeyspaceMisses;

    /// <summary>True when writes that add data must be refused (<c>--maxmemory</c>).</summary>
    public bool IsOverMaxMemory => Settings.MaxMemory is > 0 and var max && Databases.UsedBytes >= max;

    /// <summary>Makes the database durable: every change from now on is journaled to <paramref name="log"/>.</summary>
    public void AttachLog(IKeyValueLog log)
    {
        Log = log;
        Store.Journal = log;
    }

    /// <summary>Starts the active expiry sweep, so expired keys free their memory without being read.</summary>
    public void StartExpirySweep(TimeSpan? period = null)
    {
        var every = period ?? TimeSpan.FromMilliseconds(100);
        _expirySweep ??= new Timer(static state => SweepExpired((DatabaseSet)state!), Databases, every, every);
    }

    /// <summary>Compares a password with the configured one in constant time.</summary>
    public bool CheckPassword(ReadOnlySpan<byte> candidate)
    {
        if (Settings.PasswordDigest is not { } password)
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(candidate, digest);
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(digest, password);
    }

    public IEnumerable<ClientSession> Clients => _clients.Values;

    /// <summary>A new client's session, listed until <see cref="Disconnect"/>.</summary>
    internal ClientSession Connect(ConnectionInfo? connection)
    {
        var session = new ClientSession(Interlocked.Increment(ref _nextClientId), connection, Store.NowMs, !RequiresPassword);
        _clients[session.Id] = session;
        Interlocked.Increment(ref _totalConnections);
        return session;
    }

    internal void Disconnect(ClientSession session)
    {
        TransactionCommands.UnwatchAll(session, Store);
        lock (_countersGate)
        {
            if (_clients.TryRemove(session.Id, out _))
            {
                session.Counters.AddTo(_closed);
            }
        }
    }

    /// <summary>Every client's counters, the closed ones' included, added up now.</summary>
    internal SessionCounters SumCounters()
    {
        var total = new SessionCounters();
        lock (_countersGate)
        {
            _closed.AddTo(total);
            foreach (var session in _clients.Values)
            {
                session.Counters.AddTo(total);
            }
        }

        return total;
    }

    public void Dispose()
    {
        _expirySweep?.Dispose();
        _expirySweep = null;
        Pause.Dispose();
    }

    private static void SweepExpired(DatabaseSet databases)
    {
        // As Redis's active expiry: keep sweeping while a good share of what was checked had expired,
        // within a small budget per tick and database so the sweep never stalls writers for long.
        foreach (var store in databases.All)
        {
            for (int round = 0; round < 16; round++)
            {
                if (store.SweepExpired(200) < 50)
                {
                    break;
                }
            }
        }
    }
}
