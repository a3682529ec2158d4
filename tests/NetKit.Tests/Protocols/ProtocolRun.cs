using System.Text;

namespace NetKit.Tests.Protocols;

/// <summary>What a protocol core produced over one connection driven by <see cref="ProtocolDriver"/>.</summary>
/// <param name="Output">Every reply byte, in order.</param>
/// <param name="ClosedBeforeEndOfStream">The core asked to close before the peer finished sending
/// (quit, a too-long line), so the end-of-stream call never happened.</param>
/// <param name="ClosedAtEndOfStream">The connection ended with the peer's end of stream (the transport
/// closes after the end-of-stream call whatever the core says).</param>
public sealed record ProtocolRun(byte[] Output, bool ClosedBeforeEndOfStream, bool ClosedAtEndOfStream)
{
    /// <summary>The connection ended, by the core's decision or the peer's end of stream.</summary>
    public bool Closed => ClosedBeforeEndOfStream || ClosedAtEndOfStream;

    /// <summary>The output decoded as UTF-8, for readable assertions.</summary>
    public string OutputText => Encoding.UTF8.GetString(Output);
}
