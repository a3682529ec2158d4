using System.Buffers;
using NetKit.Connections;

namespace NetKit.Protocols.Echo;

/// <summary>The echo service (RFC 862 style): every byte received is sent back, in order.</summary>
public sealed class EchoProtocol : IConnectionProtocol
{
    /// <inheritdoc />
    /// <remarks>Echo has no messages, so any cut TCP makes is a boundary.</remarks>
    public bool AtRequestBoundary => true;

    /// <inheritdoc />
    public ProtocolStep Process(ReadOnlySequence<byte> input, bool endOfStream, IBufferWriter<byte> output)
    {
        foreach (ReadOnlyMemory<byte> segment in input)
        {
            output.Write(segment.Span);
        }

        return endOfStream ? ProtocolStep.CloseAfter(input.Length) : ProtocolStep.Continue(input.Length);
    }
}
