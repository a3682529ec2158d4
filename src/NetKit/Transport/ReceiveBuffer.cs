using System.Buffers;
using NetKit.Buffers;

namespace NetKit.Transport;

/// <summary>
/// A socket connection's received-and-unconsumed bytes, contiguous so a core reads them as one span. It
/// grows only while one request needs it (up to the connection's input limit), shrinks back once that
/// request is consumed (Garnet #1479: a buffer grown for one big request must not stay big), and can be
/// given back whole between requests so an idle connection holds none.
/// </summary>
internal sealed class ReceiveBuffer : IDisposable
{
    private readonly int _normalSize;
    private byte[] _buffer = [];

    public ReceiveBuffer(int normalSize) => _normalSize = normalSize;

    /// <summary>Bytes received and not yet consumed.</summary>
    public int Count { get; private set; }

    /// <summary>What the core is run over.</summary>
    public ReadOnlySequence<byte> Unconsumed => new(_buffer, 0, Count);

    /// <summary>
    /// Room after the unconsumed bytes for the next receive, at least <paramref name="wanted"/> bytes when
    /// the limit allows. Empty when the unconsumed bytes alone fill <paramref name="limit"/>: the request
    /// can never complete within it.
    /// </summary>
    public Memory<byte> Room(int wanted, int limit)
    {
        if (_buffer.Length == 0)
        {
            _buffer = TransientBuffers.Rent(Math.Max(_normalSize, wanted));
        }
        else if (Count == _buffer.Length)
        {
            if (Count >= limit)
            {
                return Memory<byte>.Empty;
            }

            long size = Math.Min(Math.Max((long)_buffer.Length * 2, (long)Count + wanted), limit);
            var bigger = TransientBuffers.Rent((int)size);
            _buffer.AsSpan(0, Count).CopyTo(bigger);
            TransientBuffers.Return(_buffer);
            _buffer = bigger;
        }

        return _buffer.AsMemory(Count);
    }

    /// <summary>Counts <paramref name="received"/> bytes just received into <see cref="Room"/>.</summary>
    public void Received(int received) => Count += received;

    /// <summary>Drops the first <paramref name="consumed"/> bytes; a buffer grown for a big request shrinks once it is empty.</summary>
    public void Consume(int consumed)
    {
        if (consumed <= 0)
        {
            return;
        }

        Count -= consumed;
        _buffer.AsSpan(consumed, Count).CopyTo(_buffer);
        if (Count == 0 && _buffer.Length > _normalSize * 2)
        {
            Release();
        }
    }

    /// <summary>Gives the array back when nothing is buffered: an idle connection holds no buffer.</summary>
    public void Release()
    {
        if (Count == 0 && _buffer.Length > 0)
        {
            TransientBuffers.Return(_buffer);
            _buffer = [];
        }
    }

    public void Dispose()
    {
        Count = 0;
        Release();
    }
}
