namespace NetKit.KeyValue;

/// <summary>The three namespaces a client subscribes in: SUBSCRIBE's channels, PSUBSCRIBE's patterns, and
/// SSUBSCRIBE's shard channels (without a cluster, channels of their own that only SPUBLISH reaches).</summary>
internal enum SubscriptionKind
{
    Channel,
    Pattern,
    ShardChannel,
}
