namespace NetKit.Connections;

/// <summary>
/// What the thread running a core allows. An event-loop thread (the epoll model's loops, or the runtime's
/// socket threads when completions run inline) serves every connection it holds: work that may block or
/// take time in proportion to the data (a log write, KEYS, SCAN) must not run there. A core that meets such
/// work while <see cref="MustNotBlock"/> is set stops before it and asks to be run elsewhere
/// (<see cref="Protocols.ProtocolStep.Offload"/>); kv's log does not write on such a thread either.
/// </summary>
public static class ConnectionThread
{
    [ThreadStatic]
    private static bool t_mustNotBlock;

    /// <summary>True while the current thread runs a connection loop that others depend on.</summary>
    public static bool MustNotBlock
    {
        get => t_mustNotBlock;
        set => t_mustNotBlock = value;
    }
}
