using NetKit.Buffers;

namespace NetKit.Transport.Epoll;

/// <summary>
/// Replies a connection holds between turns: those the peer has not taken yet, or those waiting on the
/// core's durability wait. Only then does a connection hold an output buffer; it is given back once empty.
/// </summary>
internal struct PendingOutput
{
    private byte[]? _buffer;
    private int _offset;

    public int Count { get; private set; }

    public readonly ReadOnlySpan<byte> Span => _buffer.AsSpan(_offset, Count);

    public void Keep(ReadOnlySpan<byte> replies)
    {
        Release();
        _buffer = TransientBuffers.Rent(replies.Length);
        replies.CopyTo(_buffer);
        _offset = 0;
        Count = replies.Length;
    }

    /// <summary>Records that <paramref name="sent"/> bytes left; true when none are left (the buffer is then given back).</summary>
    public bool Sent(int sent)
    {
        _offset += sent;
        Count -= sent;
        if (Count > 0)
        {
            return false;
        }

        Release();
        return true;
    }

    public void Release()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            TransientBuffers.Return(buffer);
        }

        _offset = 0;
        Count = 0;
    }
}
