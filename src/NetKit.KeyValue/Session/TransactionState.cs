namespace NetKit.KeyValue;

/// <summary>
/// A client's transaction: whether it is inside MULTI, the commands queued, whether one was refused while
/// queueing (EXEC then answers EXECABORT, as Redis's CLIENT_DIRTY_EXEC), and the keys it WATCHes. Read and
/// changed by its own connection only, the watched keys' registration under the store's write lock.
/// </summary>
internal sealed class TransactionState
{
    public bool InMulti { get; private set; }

    public bool Aborted { get; set; }

    public List<QueuedCommand> Queued { get; } = [];

    /// <summary>Each watched key with the database it is in.</summary>
    public List<(int Database, byte[] Key)> Watched { get; } = [];

    public void Begin()
    {
        InMulti = true;
        Aborted = false;
        Queued.Clear();
    }

    public void Queue(ReadOnlySpan<byte> request, ReadOnlySpan<ArgRange> arguments)
    {
        // Copied compactly: only the arguments' bytes, one after another.
        int total = 0;
        foreach (var argument in arguments)
        {
            total += argument.Length;
        }

        var bytes = new byte[total];
        var ranges = new ArgRange[arguments.Length];
        int at = 0;
        for (int i = 0; i < arguments.Length; i++)
        {
            request.Slice(arguments[i].Start, arguments[i].Length).CopyTo(bytes.AsSpan(at));
            ranges[i] = new ArgRange(at, arguments[i].Length);
            at += arguments[i].Length;
        }

        Queued.Add(new QueuedCommand(bytes, ranges));
    }

    public void End()
    {
        InMulti = false;
        Aborted = false;
        Queued.Clear();
    }
}
