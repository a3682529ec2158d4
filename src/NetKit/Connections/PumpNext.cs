namespace NetKit.Connections;

/// <summary>What a connection model does once the replies of a <see cref="ConnectionPump.Run"/> are sent.</summary>
public enum PumpNext
{
    /// <summary>Wait for more bytes from the peer, keeping the unconsumed ones.</summary>
    Receive,

    /// <summary>Run again at once over the unconsumed bytes: the core stopped at its output budget, or its
    /// <see cref="ConnectionOutbox"/> was woken while it ran.</summary>
    RunAgain,

    /// <summary>Run again over the unconsumed bytes on a thread where blocking is allowed (see
    /// <see cref="ConnectionThread"/>): the core stopped before a request that may block.</summary>
    Offload,

    /// <summary>
    /// Read nothing and wait until the core's <see cref="ConnectionOutbox"/> is woken, then run again over the
    /// unconsumed bytes: the core holds a request it may not run yet (<see cref="ProtocolStep.Held"/>).
    /// </summary>
    WaitForWake,

    /// <summary>Close the connection (see <see cref="PumpStep.Error"/> and <see cref="PumpStep.ClosedByPeer"/>).</summary>
    Close,
}
