namespace NetKit.KeyValue.Persistence;

// Applying records: each command the log holds, as the change it made to the store.
internal sealed partial class AppendOnlyLogReader
{
    /// <param name="dryRun">Only check the record's form.</param>
    private void Apply(ReadOnlySpan<byte> record, out string? problem, bool dryRun = false)
    {
        problem = null;
        var name = Arg(record, 0);
        var lockObject = _store.WriteLock;
        if (name.Length > 16)
        {
            problem = "an unknown command";
            return;
        }

        Span<byte> upper = stackalloc byte[name.Length];
        System.Text.Ascii.ToUpper(name, upper, out _);

        if (upper.SequenceEqual("SET"u8))
        {
            long at = 0;
            if (_argCount == 5 && EqualsIgnoreCase(Arg(record, 3), "PXAT"u8))
            {
                if (!TryParseLong(Arg(record, 4), out at) || at <= 0)
                {
                    problem = "SET with a PXAT time that is not a positive number";
                    return;
                }
            }
            else if (_argCount != 3)
            {
                problem = $"SET with {_argCount} arguments";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                if (at != 0 && at <= _nowMs)
                {
                    // Expired while the server was down: the key must not come back, whatever it held before.
                    _store.RemoveLocked(Arg(record, 1));
                    ExpiredRecords++;
                }
                else
                {
                    _store.SetLocked(Arg(record, 1), Arg(record, 2), at);
                }
            }
        }
        else if (upper.SequenceEqual("DEL"u8) || upper.SequenceEqual("UNLINK"u8))
        {
            if (_argCount < 2)
            {
                problem = "DEL without a key";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                for (int i = 1; i < _argCount; i++)
                {
                    _store.RemoveLocked(Arg(record, i));
                }
            }
        }
        else if (upper.SequenceEqual("PEXPIREAT"u8))
        {
            if (_argCount != 3 || !TryParseLong(Arg(record, 2), out long at))
            {
                problem = "PEXPIREAT without a key and a time";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                if (at <= _nowMs)
                {
                    _store.RemoveLocked(Arg(record, 1));
                    ExpiredRecords++;
                }
                else
                {
                    _store.ExpireAtLocked(Arg(record, 1), at);
                }
            }
        }
        else if (upper.SequenceEqual("PERSIST"u8))
        {
            if (_argCount != 2)
            {
                problem = "PERSIST without a key";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                _store.ExpireAtLocked(Arg(record, 1), 0);
            }
        }
        else if (upper.SequenceEqual("FLUSHALL"u8))
        {
            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                _databases.ClearAllLocked();
            }
        }
        else if (upper.SequenceEqual("FLUSHDB"u8))
        {
            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                _store.ClearLocked();
            }
        }
        else if (upper.SequenceEqual("SELECT"u8))
        {
            if (_argCount != 2 || !TryParseLong(Arg(record, 1), out long index) || index < 0)
            {
                problem = "SELECT without a database number";
                return;
            }

            if (index >= _databases.Count)
            {
                problem = $"SELECT {index}, beyond the {_databases.Count} databases configured (--databases)";
                return;
            }

            if (dryRun)
            {
                return;
            }

            SawSelect = true;
            _store = _databases[(int)index];
        }
        else if (upper.SequenceEqual("HSET"u8) || upper.SequenceEqual("HMSET"u8))
        {
            if (_argCount < 4 || _argCount % 2 != 0)
            {
                problem = $"HSET with {_argCount} arguments";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                var key = Arg(record, 1);
                if (_store.TryGetValue(key, out object current) && current is not HashValue)
                {
                    // A rewrite's snapshot may already hold what the key became later; the records after
                    // this one in the log bring it there again.
                    _store.RemoveLocked(key);
                }

                var hash = _store.GetOrAddHashLocked(key);
                for (int i = 2; i < _argCount; i += 2)
                {
                    _store.HashSetLocked(key, hash, Arg(record, i), Arg(record, i + 1));
                }
            }
        }
        else if (upper.SequenceEqual("HDEL"u8))
        {
            if (_argCount < 3)
            {
                problem = "HDEL without a field";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                var key = Arg(record, 1);
                if (_store.TryGetValue(key, out object current) && current is HashValue hash)
                {
                    for (int i = 2; i < _argCount && _store.ContainsKey(key); i++)
                    {
                        _store.HashDeleteLocked(key, hash, Arg(record, i));
                    }
                }
            }
        }
        else if (upper.SequenceEqual("SADD"u8) || upper.SequenceEqual("SREM"u8))
        {
            if (!ApplySetRecord(record, upper[1] == (byte)'A', dryRun, out problem))
            {
                return;
            }
        }
        else if (TryApplySortedSet(upper, record, dryRun, out problem))
        {
            if (problem is not null || dryRun)
            {
                return;
            }
        }
        else if (IsListRecord(upper))
        {
            ApplyList(upper, record, out problem, dryRun);
            if (problem is not null || dryRun)
            {
                return;
            }
        }
        else
        {
            problem = $"an unknown command '{System.Text.Encoding.ASCII.GetString(name)}'";
            return;
        }

        Records++;
    }
}
