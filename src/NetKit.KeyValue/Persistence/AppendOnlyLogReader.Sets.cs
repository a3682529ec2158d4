namespace NetKit.KeyValue.Persistence;

// Replaying set records: SADD and SREM, each of any number of members.
internal sealed partial class AppendOnlyLogReader
{
    /// <summary>Applies an SADD (<paramref name="add"/>) or SREM record; false, with the problem, for a malformed one.</summary>
    private bool ApplySetRecord(ReadOnlySpan<byte> record, bool add, bool dryRun, out string? problem)
    {
        problem = null;
        if (_argCount < 3)
        {
            problem = $"{(add ? "SADD" : "SREM")} without a member";
            return false;
        }

        if (dryRun)
        {
            return true;
        }

        lock (_store.WriteLock)
        {
            var key = Arg(record, 1);
            if (add)
            {
                if (_store.TryGetValue(key, out object current) && current is not SetValue)
                {
                    // A rewrite's snapshot may already hold what the key became later; the records after
                    // this one in the log bring it there again.
                    _store.RemoveLocked(key);
                }

                var set = _store.GetOrAddSetLocked(key);
                for (int i = 2; i < _argCount; i++)
                {
                    _store.SetAddLocked(key, set, Arg(record, i));
                }
            }
            else if (_store.TryGetValue(key, out object current) && current is SetValue set)
            {
                for (int i = 2; i < _argCount && set.Count > 0; i++)
                {
                    _store.SetRemoveLocked(key, set, Arg(record, i));
                }
            }
        }

        return true;
    }
}
