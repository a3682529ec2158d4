namespace NetKit.KeyValue;

/// <summary>
/// Redis's slow log: the commands that ran longer than slowlog-log-slower-than, newest first, at most
/// slowlog-max-len of them. Only a slow command takes the lock, so the ordinary request path writes nothing.
/// </summary>
internal sealed class SlowLog
{
    /// <summary>Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING: an entry stays small whatever was sent.</summary>
    private const int MaxArguments = 32;
    private const int MaxArgumentLength = 128;

    private readonly Lock _gate = new();
    private readonly LinkedList<SlowLogEntry> _entries = new();
    private long _nextId;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public void Add(ref CommandContext context, long unixSeconds, long micros, int maxLength)
    {
        int count = Math.Min(context.Count, MaxArguments);
        var args = new string[count];
        for (int i = 0; i < count; i++)
        {
            if (i == MaxArguments - 1 && context.Count > MaxArguments)
            {
                args[i] = $"... ({context.Count - MaxArguments + 1} more arguments)";
                break;
            }

            var bytes = context[i];
            args[i] = bytes.Length > MaxArgumentLength
                ? System.Text.Encoding.UTF8.GetString(bytes[..MaxArgumentLength]) + $"... ({bytes.Length - MaxArgumentLength} more bytes)"
                : System.Text.Encoding.UTF8.GetString(bytes);
        }

        string peer = context.Session.RemoteEndPoint?.ToString() ?? string.Empty;
        lock (_gate)
        {
            _entries.AddFirst(new SlowLogEntry(_nextId++, unixSeconds, micros, args, peer, context.Session.Name ?? string.Empty));
            while (_entries.Count > Math.Max(0, maxLength))
            {
                _entries.RemoveLast();
            }
        }
    }

    /// <summary>The newest <paramref name="count"/> entries (all when negative).</summary>
    public List<SlowLogEntry> Newest(long count)
    {
        lock (_gate)
        {
            return [.. count < 0 ? _entries : _entries.Take((int)Math.Min(count, int.MaxValue))];
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}
