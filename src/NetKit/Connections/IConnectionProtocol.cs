using System.Buffers;

namespace NetKit.Connections;

/// <summary>
/// A sans-IO protocol core for one TCP connection: it is handed the bytes received so far and
/// writes its replies into <c>output</c>. It never touches a socket, so the same core is driven by
/// both connection models, by unit tests that split input at every offset, and by benchmarks.
/// </summary>
/// <remarks>
/// The transport calls <see cref="Process"/> whenever new bytes arrive, with everything received
/// and not yet consumed. The core consumes only whole messages (TCP may cut a message anywhere),
/// leaving a partial one for the next call. After the peer half-closes, the transport calls once
/// more with <c>endOfStream</c> set so the core can answer a final unterminated message; the
/// connection is closed after that call whatever the core returns.
/// </remarks>
public interface IConnectionProtocol
{
    /// <summary>Consumes complete messages from <paramref name="input"/> and writes their replies.</summary>
    /// <param name="input">Bytes received and not yet consumed.</param>
    /// <param name="endOfStream">True when the peer has closed its sending half: no more input will come.</param>
    /// <param name="output">Where replies go; the transport sends them after the call returns.</param>
    ProtocolStep Process(ReadOnlySequence<byte> input, bool endOfStream, IBufferWriter<byte> output);

    /// <summary>
    /// True while the connection sits between requests, so a graceful stop may close it without
    /// cutting a request in half. A core whose request lasts the whole stream (count) says false.
    /// </summary>
    bool AtRequestBoundary { get; }
}
