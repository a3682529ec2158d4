namespace NetKit.Connections;

/// <summary>What one <see cref="ConnectionPump.Run"/> decided.</summary>
/// <param name="Consumed">Input bytes consumed; the rest are handed to the next run.</param>
/// <param name="Next">What to do once the replies written are sent.</param>
/// <param name="ClosedByPeer">The peer ended its stream: the close is theirs, not an error.</param>
/// <param name="Error">Why the server closes the connection, when it is not a normal end.</param>
public readonly record struct PumpStep(long Consumed, PumpNext Next, bool ClosedByPeer = false, string? Error = null);
