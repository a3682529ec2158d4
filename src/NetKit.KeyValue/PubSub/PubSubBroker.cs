namespace NetKit.KeyValue;

/// <summary>
/// Who is subscribed to what, for one server, and the delivery of a published message. PUBLISH runs on the
/// publisher's connection: under the broker's lock it builds the message once and posts it to each subscriber's
/// outbox, which never waits (a subscriber that falls too far behind is cut by its connection's output limit).
/// The subscriber's own connection writes what is posted, on its own loop. Subscribing and unsubscribing take
/// the same lock, so once an UNSUBSCRIBE has left the broker nothing more is posted for that channel, and what
/// was posted before is drained ahead of its reply.
/// </summary>
internal sealed class PubSubBroker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<byte[], HashSet<PubSubSession>> _channels = new(ByteArrayKeyComparer.Instance);
    private readonly Dictionary<byte[], HashSet<PubSubSession>> _patterns = new(ByteArrayKeyComparer.Instance);
    private readonly Dictionary<byte[], HashSet<PubSubSession>> _shardChannels = new(ByteArrayKeyComparer.Instance);
    private int _channelCount;
    private int _patternCount;
    private int _shardChannelCount;

    /// <summary>Channels with at least one subscriber (INFO's pubsub_channels).</summary>
    public int ChannelCount => Volatile.Read(ref _channelCount);

    /// <summary>Distinct patterns subscribed to (INFO's pubsub_patterns, PUBSUB NUMPAT), as Redis 7 counts them.</summary>
    public int PatternCount => Volatile.Read(ref _patternCount);

    /// <summary>Shard channels with at least one subscriber (INFO's pubsubshard_channels).</summary>
    public int ShardChannelCount => Volatile.Read(ref _shardChannelCount);

    /// <returns>False when <paramref name="session"/> was already subscribed to <paramref name="name"/>.</returns>
    public bool Subscribe(PubSubSession session, ReadOnlySpan<byte> name, SubscriptionKind kind)
    {
        lock (_gate)
        {
            var mine = Mine(session, kind);
            if (mine.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(name))
            {
                return false;
            }

            byte[] key = name.ToArray();
            mine.Add(key);
            var all = All(kind);
            if (!all.TryGetValue(key, out var subscribers))
            {
                subscribers = [];
                all.Add(key, subscribers);
                Counted(kind);
            }

            subscribers.Add(session);
            session.SubscriptionsChanged();
            return true;
        }
    }

    /// <returns>False when <paramref name="session"/> was not subscribed to <paramref name="name"/>.</returns>
    public bool Unsubscribe(PubSubSession session, ReadOnlySpan<byte> name, SubscriptionKind kind)
    {
        lock (_gate)
        {
            var mine = Mine(session, kind);
            if (!mine.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(name, out byte[]? key))
            {
                return false;
            }

            RemoveLocked(session, key, kind);
            session.SubscriptionsChanged();
            return true;
        }
    }

    /// <summary>Unsubscribes <paramref name="session"/> from everything of <paramref name="kind"/>.</summary>
    /// <returns>What it was subscribed to, in the order its replies go.</returns>
    public byte[][] UnsubscribeAll(PubSubSession session, SubscriptionKind kind)
    {
        lock (_gate)
        {
            var mine = Mine(session, kind);
            var names = mine.ToArray();
            foreach (byte[] name in names)
            {
                RemoveLocked(session, name, kind);
            }

            session.SubscriptionsChanged();
            return names;
        }
    }

    /// <summary>Forgets every subscription of a client that is leaving (or RESET).</summary>
    public void RemoveAll(PubSubSession session)
    {
        if (!session.IsSubscribed)
        {
            return;
        }

        UnsubscribeAll(session, SubscriptionKind.Channel);
        UnsubscribeAll(session, SubscriptionKind.Pattern);
        UnsubscribeAll(session, SubscriptionKind.ShardChannel);
    }

    /// <summary>
    /// Posts <paramref name="payload"/> on <paramref name="channel"/> to its subscribers and, unless it is a shard
    /// channel, to the subscribers of every matching pattern.
    /// </summary>
    /// <returns>Redis's count: one for each subscription that matched, a client subscribed twice counted twice.</returns>
    public int Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload, bool shard)
    {
        int receivers = 0;
        lock (_gate)
        {
            var direct = shard ? _shardChannels : _channels;
            if (direct.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var subscribers))
            {
                var message = PubSubMessages.Message(shard ? "smessage"u8 : "message"u8, channel, payload);
                byte[]? push = null;
                foreach (var subscriber in subscribers)
                {
                    subscriber.Outbox.Post(subscriber.Resp3 ? push ??= PubSubMessages.AsPush(message) : message);
                    receivers++;
                }
            }

            if (!shard)
            {
                foreach (var (pattern, patternSubscribers) in _patterns)
                {
                    if (!GlobPattern.IsMatch(pattern, channel))
                    {
                        continue;
                    }

                    var message = PubSubMessages.PatternMessage(pattern, channel, payload);
                    byte[]? push = null;
                    foreach (var subscriber in patternSubscribers)
                    {
                        subscriber.Outbox.Post(subscriber.Resp3 ? push ??= PubSubMessages.AsPush(message) : message);
                        receivers++;
                    }
                }
            }
        }

        return receivers;
    }

    /// <summary>Channels (or shard channels) with a subscriber, matching <paramref name="pattern"/> when given.</summary>
    public List<byte[]> ActiveChannels(ReadOnlySpan<byte> pattern, bool anyName, bool shard)
    {
        var found = new List<byte[]>();
        lock (_gate)
        {
            foreach (byte[] channel in (shard ? _shardChannels : _channels).Keys)
            {
                if (anyName || GlobPattern.IsMatch(pattern, channel))
                {
                    found.Add(channel);
                }
            }
        }

        return found;
    }

    /// <summary>Subscribers of <paramref name="channel"/> itself, patterns aside (PUBSUB NUMSUB).</summary>
    public int SubscriberCount(ReadOnlySpan<byte> channel, bool shard)
    {
        lock (_gate)
        {
            return (shard ? _shardChannels : _channels).GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out var subscribers)
                ? subscribers.Count
                : 0;
        }
    }

    private void RemoveLocked(PubSubSession session, byte[] key, SubscriptionKind kind)
    {
        Mine(session, kind).Remove(key);
        var all = All(kind);
        if (all.TryGetValue(key, out var subscribers))
        {
            subscribers.Remove(session);
            if (subscribers.Count == 0)
            {
                // As Redis: a channel nobody listens to is forgotten, so creating millions of them costs nothing lasting.
                all.Remove(key);
                Counted(kind);
            }
        }
    }

    private static HashSet<byte[]> Mine(PubSubSession session, SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Channel => session.Channels,
        SubscriptionKind.Pattern => session.Patterns,
        _ => session.ShardChannels,
    };

    private Dictionary<byte[], HashSet<PubSubSession>> All(SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Channel => _channels,
        SubscriptionKind.Pattern => _patterns,
        _ => _shardChannels,
    };

    private void Counted(SubscriptionKind kind)
    {
        switch (kind)
        {
            case SubscriptionKind.Channel:
                Volatile.Write(ref _channelCount, _channels.Count);
                break;
            case SubscriptionKind.Pattern:
                Volatile.Write(ref _patternCount, _patterns.Count);
                break;
            default:
                Volatile.Write(ref _shardChannelCount, _shardChannels.Count);
                break;
        }
    }
}
