namespace NetKit.KeyValue;

/// <summary>Limits and access settings of a kv database. Every limit is bounded by default.</summary>
public sealed record KeyValueOptions
{
    /// <summary>The longest inline (text) request line, in bytes.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>The longest RESP bulk string (key or value), as Redis's proto-max-bulk-len.</summary>
    public long MaxBulkLength { get; init; } = 512L * 1024 * 1024;

    /// <summary>The most arguments one RESP request may have.</summary>
    public int MaxArrayLength { get; init; } = 1024 * 1024;

    /// <summary>
    /// The reply bytes one call of the connection's core may write before it stops and lets the transport
    /// send them (64 KiB), as Redis's NET_MAX_WRITES_PER_EVENT: large enough that a pipeline's replies
    /// still leave in one send, small enough that a client that pipelines and never reads makes the
    /// server hold at most this plus one reply, not the replies to everything it sent.
    /// </summary>
    public long MaxOutputPerCall { get; init; } = 64 * 1024;

    /// <summary>Bytes of keys and values beyond which writes that add data get <c>-OOM</c>. 0 = no limit.</summary>
    public long MaxMemory { get; init; }

    /// <summary>The password clients must give with AUTH before anything else; null = none.</summary>
    public string? RequirePass { get; init; }

    /// <summary>The connection limit, as CONFIG GET maxclients reports it.</summary>
    public int MaxClients { get; init; } = 10_000;

    /// <summary>How many databases SELECT can choose from (Redis's <c>databases</c>, 16).</summary>
    public int Databases { get; init; } = KeyValueStore.DefaultDatabases;

    /// <summary>Where the append-only log lives; null = in memory only.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>How inline commands are answered: text until the connection speaks RESP (as the seed), or RESP always.</summary>
    public InlineReplyMode InlineReplies { get; init; }

    /// <summary>Which keyspace events are published, in Redis's letters (<c>notify-keyspace-events</c>: KEA, Ex...);
    /// empty = none.</summary>
    public string NotifyKeyspaceEvents { get; init; } = "";

    /// <summary>The fsync policy: always, everysec or no.</summary>
    public string Fsync { get; init; } = "everysec";
}
