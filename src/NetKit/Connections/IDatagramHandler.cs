namespace NetKit.Connections;

/// <summary>
/// A sans-IO datagram service: one request datagram in, at most one reply datagram out.
/// </summary>
public interface IDatagramHandler
{
    /// <summary>Handles one datagram.</summary>
    /// <param name="request">The datagram as received (up to 65,507 bytes).</param>
    /// <param name="reply">Room for the reply; at least as large as the largest UDP payload (65,507 bytes).</param>
    /// <returns>The reply's length, or -1 to send nothing (the request was dropped).</returns>
    int Handle(ReadOnlySpan<byte> request, Span<byte> reply);
}
