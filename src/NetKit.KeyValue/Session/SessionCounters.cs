namespace NetKit.KeyValue;

/// <summary>
/// What one connection has done: commands run (each by name), key lookups that hit and missed. Written only
/// by the connection's own core, one request at a time, so the request path makes plain increments on memory
/// no other core writes; INFO and the metrics sum every connection's counters when they read them.
/// </summary>
internal sealed class SessionCounters
{
    private readonly long[] _calls = new long[CommandTable.Default.Count];
    private long _commands;
    private long _keyspaceHits;
    private long _keyspaceMisses;

    public long Commands => Volatile.Read(ref _commands);

    public long KeyspaceHits => Volatile.Read(ref _keyspaceHits);

    public long KeyspaceMisses => Volatile.Read(ref _keyspaceMisses);

    /// <summary>Calls of the command whose <see cref="CommandSpec.Index"/> is <paramref name="index"/>.</summary>
    public long Calls(int index) => Volatile.Read(ref _calls[index]);

    public void CountCommand(int index)
    {
        _calls[index]++;
        _commands++;
    }

    public void CountLookup(bool hit)
    {
        if (hit)
        {
            _keyspaceHits++;
        }
        else
        {
            _keyspaceMisses++;
        }
    }

    /// <summary>Adds these counts to <paramref name="total"/> (which no connection writes: a sum, or the closed ones' totals).</summary>
    public void AddTo(SessionCounters total)
    {
        for (int i = 0; i < _calls.Length; i++)
        {
            total._calls[i] += Calls(i);
        }

        total._commands += Commands;
        total._keyspaceHits += KeyspaceHits;
        total._keyspaceMisses += KeyspaceMisses;
    }
}
