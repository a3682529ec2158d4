using System.Collections.Concurrent;

namespace NetKit.KeyValue;

/// <summary>WATCH: the sessions watching each key, told when any write touches it (expiry and FLUSH included).</summary>
public sealed partial class KeyValueStore
{
    /// <summary>Registers <paramref name="session"/> as watching <paramref name="key"/>. Caller holds <see cref="WriteLock"/>.</summary>
    internal void WatchLocked(byte[] key, ClientSession session)
    {
        _watchers ??= new Dictionary<byte[], List<ClientSession>>(ByteArrayKeyComparer.Instance);
        if (!_watchers.TryGetValue(key, out var sessions))
        {
            _watchers[key] = sessions = [];
        }

        if (!sessions.Contains(session))
        {
            sessions.Add(session);
        }
    }

    internal void UnwatchLocked(byte[] key, ClientSession session)
    {
        if (_watchers is not null && _watchers.TryGetValue(key, out var sessions))
        {
            sessions.Remove(session);
            if (sessions.Count == 0)
            {
                _watchers.Remove(key);
            }
        }
    }

    /// <summary>Marks dirty every session watching a key that exists here or in <paramref name="other"/>
    /// (FLUSHDB, FLUSHALL, SWAPDB: as Redis, a watched key that exists in neither is not touched).</summary>
    internal void TouchAllWatchedLocked(KeyValueStore? other)
    {
        if (_watchers is not { Count: > 0 })
        {
            return;
        }

        foreach (var (key, sessions) in _watchers)
        {
            if (ContainsKey(key) || (other is not null && other.ContainsKey(key)))
            {
                foreach (var session in sessions)
                {
                    session.WatchedKeyChanged = true;
                }
            }
        }
    }

    internal void SwapWatchers(KeyValueStore other) => (_watchers, other._watchers) = (other._watchers, _watchers);

    /// <summary>Marks dirty the sessions watching <paramref name="key"/> (Redis's touchWatchedKey); a field
    /// read when nobody watches anything here.</summary>
    private void TouchLocked(ReadOnlySpan<byte> key)
    {
        if (_watchers is { Count: > 0 } watchers && watchers.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var sessions))
        {
            foreach (var session in sessions)
            {
                session.WatchedKeyChanged = true;
            }
        }
    }
}
