using NetKit.Connections;

namespace NetKit.Protocols.Echo;

/// <summary>The UDP echo service: each datagram is answered with the same bytes.</summary>
public sealed class UdpEchoHandler : IDatagramHandler
{
    /// <inheritdoc />
    public int Handle(ReadOnlySpan<byte> request, Span<byte> reply)
    {
        // Dropping beats truncating: a shortened echo would look like a successful round trip.
        if (!request.TryCopyTo(reply))
        {
            return -1;
        }

        return request.Length;
    }
}
