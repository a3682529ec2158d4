namespace NetKit.Connections;

/// <summary>What one call of a protocol core did: how many input bytes it consumed, whether the
/// connection should be closed once the replies written so far have been sent, and whether the core
/// stopped early because it has written as much as it may in one call.</summary>
/// <param name="Consumed">Input bytes consumed.</param>
/// <param name="Close">Close the connection once the replies written so far are sent.</param>
/// <param name="OutputFull">
/// The core stopped before the end of its input because its replies reached its output budget (a client
/// pipelining thousands of GETs of a large value must not make the server build gigabytes of replies in
/// one call). The transport sends what was written — waiting for the peer to read it, which is the
/// back-pressure — and then calls again with the rest of the input, without waiting for more bytes.
/// </param>
/// <param name="Offload">
/// The core stopped before a request that may block or take time in proportion to the data (KEYS, SCAN)
/// because the current thread must not block (<see cref="ConnectionThread.MustNotBlock"/>); the
/// transport sends what was written and runs the core again on a thread where blocking is allowed.
/// </param>
public readonly record struct ProtocolStep(long Consumed, bool Close, bool OutputFull = false, bool Offload = false)
{
    /// <summary>
    /// Completes when the replies written in this call may be sent: kv acknowledges a write only once it is
    /// in its log as the fsync policy requires. It fails when they may not (the log could not be written);
    /// the transport then discards them, never sends them, and closes. Completed when nothing is waited for.
    /// </summary>
    public ValueTask RepliesReady { get; init; }

    /// <summary>
    /// The core stopped before a request it may not run yet (kv: a client paused by CLIENT PAUSE), leaving it
    /// unconsumed. The transport reads nothing more and calls again once the core's <see cref="ConnectionOutbox"/>
    /// is woken; the held request counts neither as in progress (no data-rate or idle limit) nor against a stop.
    /// </summary>
    public bool Held { get; init; }

    public static ProtocolStep Continue(long consumed) => new(consumed, false);
    public static ProtocolStep CloseAfter(long consumed) => new(consumed, true);

    /// <summary>Stopped with input left because the output budget of one call is spent; call again once it is sent.</summary>
    public static ProtocolStep Full(long consumed) => new(consumed, false, true);

    /// <summary>Stopped before a request that must not run on this thread; call again where blocking is allowed.</summary>
    public static ProtocolStep RunElsewhere(long consumed) => new(consumed, false, false, true);

    /// <summary>Stopped before a request that must wait (see <see cref="Held"/>); call again once woken.</summary>
    public static ProtocolStep Hold(long consumed) => new(consumed, false) { Held = true };
}
