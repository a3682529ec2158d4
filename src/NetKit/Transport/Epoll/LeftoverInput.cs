using NetKit.Buffers;

namespace NetKit.Transport.Epoll;

/// <summary>
/// The unconsumed rest of an unfinished request, the only input a connection keeps between turns: none at
/// all between requests, a pooled buffer otherwise, grown while one request needs it and shrunk (or given
/// back) once it is consumed (Garnet #1479: a buffer grown for one big request must shrink back).
/// </summary>
internal struct LeftoverInput
{
    /// <summary>The least kept: room for the rest of a typical request without growing.</summary>
    private const int MinimumLength = 4096;

    /// <summary>A buffer this much larger than its content goes back to the pool.</summary>
    private const int ShrinkAbove = 64 * 1024;

    public byte[]? Buffer { get; private set; }

    public int Count { get; private set; }

    /// <summary>Records that <paramref name="count"/> bytes were received into <see cref="Buffer"/> after the rest.</summary>
    public void Received(int count) => Count += count;

    /// <summary>
    /// Makes room to receive more when the buffer is full, doubling up to <paramref name="limit"/>; false when
    /// it is full at the limit (a request larger than the server accepts).
    /// </summary>
    public bool MakeRoom(int limit)
    {
        if (Count < Buffer!.Length)
        {
            return true;
        }

        if (Count >= limit)
        {
            return false;
        }

        Resize(Math.Min(Buffer.Length * 2, limit));
        return true;
    }

    /// <summary>Keeps <paramref name="count"/> unconsumed bytes at <paramref name="offset"/> of <paramref name="buffer"/>
    /// (the loop's receive buffer, or this one's own).</summary>
    public void Keep(byte[] buffer, int offset, int count)
    {
        if (count == 0)
        {
            Release();
            return;
        }

        if (ReferenceEquals(buffer, Buffer))
        {
            if (offset > 0)
            {
                System.Buffer.BlockCopy(buffer, offset, buffer, 0, count);
            }

            Count = count;
            if (buffer.Length > ShrinkAbove && count < buffer.Length / 4)
            {
                Resize(Math.Max(MinimumLength, count * 2));
            }

            return;
        }

        var keep = TransientBuffers.Rent(Math.Max(MinimumLength, count * 2));
        buffer.AsSpan(offset, count).CopyTo(keep);
        Release();
        Buffer = keep;
        Count = count;
    }

    public void Release()
    {
        if (Buffer is { } buffer)
        {
            Buffer = null;
            TransientBuffers.Return(buffer);
        }

        Count = 0;
    }

    private void Resize(int length)
    {
        var resized = TransientBuffers.Rent(length);
        Buffer.AsSpan(0, Count).CopyTo(resized);
        TransientBuffers.Return(Buffer!);
        Buffer = resized;
    }
}
