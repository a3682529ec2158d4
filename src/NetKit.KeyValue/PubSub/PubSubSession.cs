using NetKit.Connections;

namespace NetKit.KeyValue;

/// <summary>
/// One client's side of pub/sub, MONITOR and CLIENT PAUSE: the outbox its messages are posted to, the channels,
/// patterns and shard channels it is subscribed to, whether it monitors, and whether CLIENT PAUSE holds it.
/// The sets are changed under the broker's lock by the client's own connection; their counts are read by
/// CLIENT LIST and INFO from any connection.
/// </summary>
internal sealed class PubSubSession
{
    private ConnectionOutbox? _outbox;
    private HashSet<byte[]>? _channels;
    private HashSet<byte[]>? _patterns;
    private HashSet<byte[]>? _shardChannels;
    private int _channelCount;
    private int _patternCount;
    private int _shardChannelCount;
    private volatile bool _monitoring;
    private volatile bool _subscribed;
    private volatile bool _held;

    public PubSubSession(long clientId) => ClientId = clientId;

    public long ClientId { get; }

    /// <summary>The connection's outbox; a core driven without a connection gets one of its own, drained as it runs.</summary>
    public ConnectionOutbox Outbox => _outbox ??= new ConnectionOutbox();

    /// <summary>Channels, patterns and shard channels subscribed to, only touched under the broker's lock; made on
    /// first use, so a client that never subscribes holds none.</summary>
    public HashSet<byte[]> Channels => _channels ??= new(ByteArrayKeyComparer.Instance);

    public HashSet<byte[]> Patterns => _patterns ??= new(ByteArrayKeyComparer.Instance);

    public HashSet<byte[]> ShardChannels => _shardChannels ??= new(ByteArrayKeyComparer.Instance);

    /// <summary>CLIENT LIST's sub, psub and ssub.</summary>
    public int ChannelCount => Volatile.Read(ref _channelCount);

    public int PatternCount => Volatile.Read(ref _patternCount);

    public int ShardChannelCount => Volatile.Read(ref _shardChannelCount);

    /// <summary>The count (P)SUBSCRIBE and (P)UNSUBSCRIBE reply with: channels and patterns, as Redis counts them.</summary>
    public int SubscriptionCount => ChannelCount + PatternCount;

    /// <summary>Redis's CLIENT_PUBSUB: subscribed to anything, so RESP2 allows only the subscribed-mode commands.</summary>
    public bool IsSubscribed => _subscribed;

    /// <summary>Subscribed or monitoring: the one read the request path makes before it looks closer.</summary>
    public bool InSpecialMode => _subscribed || _monitoring;

    /// <summary>In MONITOR mode (CLIENT LIST's O flag).</summary>
    public bool Monitoring
    {
        get => _monitoring;
        set
        {
            _monitoring = value;
            UpdateOutbox();
        }
    }

    /// <summary>A command of this client waits for CLIENT PAUSE to end (CLIENT LIST's b flag).</summary>
    public bool Held
    {
        get => _held;
        set => _held = value;
    }

    /// <summary>
    /// True while the client's EXEC runs its queue: what is posted meanwhile waits for the next drain, since
    /// writing it then would land inside EXEC's array of replies. Redis, single-threaded, never meets the case.
    /// </summary>
    public bool InsideExec { get; set; }

    /// <summary>The client speaks RESP3: its messages are pushes (set by HELLO, read by publishers under the broker's lock
    /// or just after; a message posted as the switch happens may take the old form, as it would have been sent before).</summary>
    public bool Resp3 { get; set; }

    /// <summary>Set once, before the connection's first request.</summary>
    public void Attach(ConnectionOutbox outbox) => _outbox = outbox;

    /// <summary>Called under the broker's lock after a set changed: the counts others read, and the outbox's class.</summary>
    public void SubscriptionsChanged()
    {
        Volatile.Write(ref _channelCount, _channels?.Count ?? 0);
        Volatile.Write(ref _patternCount, _patterns?.Count ?? 0);
        Volatile.Write(ref _shardChannelCount, _shardChannels?.Count ?? 0);
        _subscribed = ChannelCount + PatternCount + ShardChannelCount > 0;
        UpdateOutbox();
    }

    private void UpdateOutbox()
    {
        var outbox = Outbox;
        bool subscribed = IsSubscribed;
        // A subscriber is held to Redis's pubsub class of output limit; a monitor to the normal one, as in
        // Redis. Both wait for pushes rather than requests.
        outbox.Subscriber = subscribed;
        outbox.Listening = subscribed || _monitoring;
    }
}
