namespace NetKit.KeyValue;

/// <summary>
/// maxmemory eviction, as Redis 7.0's evict.c approximates it: while the data is over the limit and the policy
/// is not noeviction, sample a few keys of every database (all keys, or the volatile-* policies' keys with an
/// expiry), remove the best candidate — the longest idle (lru), the least used (lfu), the soonest to expire
/// (ttl) or any (random) — and repeat. Each removal is a logged delete and an "evicted" event. Runs under the
/// write lock before a command that would otherwise get -OOM and when CONFIG SET lowers the limit; paused,
/// as Redis, while CLIENT PAUSE is on.
/// </summary>
internal static class MemoryEviction
{
    /// <summary>Redis's maxmemory-samples default.</summary>
    private const int Samples = 5;

    /// <summary>Keys one call may evict, so one command never holds the write lock for long; the next goes on.</summary>
    private const int MaxPerCall = 1024;

    /// <summary>Evicts until the data fits under maxmemory, if the policy allows.</summary>
    /// <returns>True when the data is under the limit afterwards.</returns>
    public static bool EvictToFit(KeyValueDatabase database)
    {
        long max = database.Settings.MaxMemory;
        var databases = database.Databases;
        string policy = database.Settings.MaxMemoryPolicy;
        if (max <= 0 || databases.UsedBytes < max)
        {
            return true;
        }

        if (policy == "noeviction" || database.Pause.SuspendsExpiry)
        {
            return false;
        }

        bool volatileOnly = policy.StartsWith("volatile-", StringComparison.Ordinal);
        var sample = new List<byte[]>(Samples);
        lock (databases.WriteLock)
        {
            for (int evicted = 0; evicted < MaxPerCall && databases.UsedBytes >= max; evicted++)
            {
                KeyValueStore? victimStore = null;
                byte[]? victim = null;
                long best = long.MinValue;
                foreach (var store in databases.All)
                {
                    sample.Clear();
                    store.SampleLocked(volatileOnly, Samples, sample);
                    long now = store.NowMs;
                    foreach (byte[] key in sample)
                    {
                        long score = Score(store, key, policy, now);
                        if (victim is null || score > best)
                        {
                            (victimStore, victim, best) = (store, key, score);
                        }
                    }
                }

                if (victimStore is null || victim is null || !victimStore.EvictLocked(victim))
                {
                    break;
                }
            }

            return databases.UsedBytes < max;
        }
    }

    /// <summary>How good a candidate <paramref name="key"/> is: the higher, the sooner it goes.</summary>
    private static long Score(KeyValueStore store, byte[] key, string policy, long now)
    {
        if (policy.EndsWith("-lru", StringComparison.Ordinal))
        {
            return store.Access.IdleMs(key, now);
        }

        if (policy.EndsWith("-lfu", StringComparison.Ordinal))
        {
            return -store.Access.Frequency(key, now);
        }

        if (policy == "volatile-ttl")
        {
            long at = store.GetExpiry(key);
            return at > 0 ? -at : long.MinValue + 1;
        }

        return 0; // random: the sample's first is as random as any
    }
}
