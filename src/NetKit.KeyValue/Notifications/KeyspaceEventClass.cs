namespace NetKit.KeyValue;

/// <summary>
/// The classes of keyspace events a server may publish (<c>notify-keyspace-events</c>), with Redis 7.0's bit
/// values and flag letters, so a setting read from a redis.conf means the same here.
/// </summary>
[Flags]
internal enum KeyspaceEventClass
{
    None = 0,

    /// <summary>K: publish on <c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c>, the event as the message.</summary>
    Keyspace = 1 << 0,

    /// <summary>E: publish on <c>__keyevent@&lt;db&gt;__:&lt;event&gt;</c>, the key as the message.</summary>
    Keyevent = 1 << 1,

    /// <summary>g: commands on any type (DEL, EXPIRE, RENAME...).</summary>
    Generic = 1 << 2,

    /// <summary>$: string commands.</summary>
    String = 1 << 3,

    /// <summary>l: list commands.</summary>
    List = 1 << 4,

    /// <summary>s: set commands.</summary>
    Set = 1 << 5,

    /// <summary>h: hash commands.</summary>
    Hash = 1 << 6,

    /// <summary>z: sorted set commands.</summary>
    SortedSet = 1 << 7,

    /// <summary>x: a key removed because its time ran out.</summary>
    Expired = 1 << 8,

    /// <summary>e: a key removed to stay under maxmemory.</summary>
    Evicted = 1 << 9,

    /// <summary>t: stream commands.</summary>
    Stream = 1 << 10,

    /// <summary>m: a lookup that found no key (not part of A, as Redis: it fires on every miss).</summary>
    KeyMiss = 1 << 11,

    /// <summary>d: module events (kv has no modules; accepted so that A means what it means in Redis).</summary>
    Module = 1 << 13,

    /// <summary>n: a key created (not part of A, as Redis).</summary>
    New = 1 << 14,

    /// <summary>A: every class but m and n.</summary>
    All = Generic | String | List | Set | Hash | SortedSet | Expired | Evicted | Stream | Module,
}
