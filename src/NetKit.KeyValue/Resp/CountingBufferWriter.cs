using System.Buffers;

namespace NetKit.KeyValue;

/// <summary>
/// Passes replies through to the output of one <see cref="KeyValueProtocol.Process"/> call and counts
/// the bytes, so the core can stop at its output budget. One per connection, pointed at each call's
/// output in turn: counting costs no allocation per call or per request.
/// </summary>
internal sealed class CountingBufferWriter : IBufferWriter<byte>
{
    private IBufferWriter<byte>? _inner;

    /// <summary>Bytes written since <see cref="Start"/>.</summary>
    public long Written { get; private set; }

    public void Start(IBufferWriter<byte> inner)
    {
        _inner = inner;
        Written = 0;
    }

    /// <summary>Lets go of the call's output, which belongs to the transport.</summary>
    public void Stop() => _inner = null;

    public void Advance(int count)
    {
        Inner.Advance(count);
        Written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Inner.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Inner.GetSpan(sizeHint);

    private IBufferWriter<byte> Inner => _inner ?? throw new InvalidOperationException("No Process call is writing through this writer.");
}
