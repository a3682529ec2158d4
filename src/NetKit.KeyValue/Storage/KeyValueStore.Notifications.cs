namespace NetKit.KeyValue;

/// <summary>Keyspace notifications: the one call every change Redis notifies makes.</summary>
public sealed partial class KeyValueStore
{
    /// <summary>
    /// Publishes <paramref name="eventName"/> (Redis's name for it: "set", "del", "hset", "lpush"...) for
    /// <paramref name="key"/> of this database, when <c>notify-keyspace-events</c> turns <paramref name="eventClass"/>
    /// on. Call it after the change, with the write lock held, as Redis's notifyKeyspaceEvent is called; when the
    /// setting is off it costs one integer test.
    /// </summary>
    internal void Notify(KeyspaceEventClass eventClass, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key) =>
        _set.Events.Notify(eventClass, eventName, key, Index);
}
