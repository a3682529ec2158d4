namespace NetKit.KeyValue.Persistence;

// Replaying sorted-set records: ZADD score member [score member ...] and ZREM member [member ...].
internal sealed partial class AppendOnlyLogReader
{
    /// <summary>Applies (or with <paramref name="dryRun"/> only checks) a ZADD or ZREM record; false for any other command.</summary>
    private bool TryApplySortedSet(ReadOnlySpan<byte> upper, ReadOnlySpan<byte> record, bool dryRun, out string? problem)
    {
        problem = null;
        if (upper.SequenceEqual("ZADD"u8))
        {
            if (_argCount < 4 || _argCount % 2 != 0)
            {
                problem = $"ZADD with {_argCount} arguments";
                return true;
            }

            for (int i = 2; i < _argCount; i += 2)
            {
                if (!ScoreText.TryParse(Arg(record, i), out _))
                {
                    problem = "ZADD with a score that is not a number";
                    return true;
                }
            }

            if (dryRun)
            {
                return true;
            }

            lock (_store.WriteLock)
            {
                var key = Arg(record, 1);
                if (_store.TryGetValue(key, out object current) && current is not SortedSetValue)
                {
                    // A rewrite's snapshot may already hold what the key became later; the records after
                    // this one in the log bring it there again.
                    _store.RemoveLocked(key);
                }

                var set = _store.GetOrAddSortedSetLocked(key);
                for (int i = 2; i < _argCount; i += 2)
                {
                    ScoreText.TryParse(Arg(record, i), out double score);
                    _store.SortedSetSetLocked(key, set, Arg(record, i + 1), score);
                }
            }

            return true;
        }

        if (upper.SequenceEqual("ZREM"u8))
        {
            if (_argCount < 3)
            {
                problem = "ZREM without a member";
                return true;
            }

            if (dryRun)
            {
                return true;
            }

            lock (_store.WriteLock)
            {
                var key = Arg(record, 1);
                if (_store.TryGetValue(key, out object current) && current is SortedSetValue set)
                {
                    for (int i = 2; i < _argCount && _store.ContainsKey(key); i++)
                    {
                        _store.SortedSetRemoveLocked(key, set, Arg(record, i));
                    }
                }
            }

            return true;
        }

        return false;
    }
}
