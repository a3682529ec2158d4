using System.Buffers;
using NetKit.Buffers;

namespace NetKit.Transport;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over an array from <see cref="TransientBuffers"/>, for the
/// threads model's replies: it grows as a reply needs, and <see cref="Reset"/> hands a grown array back so
/// one large reply does not pin a large buffer to the connection for its lifetime.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private readonly int _initialSize;
    private byte[] _buffer;
    private int _written;

    /// <param name="initialSize">The size first rented, on the first write: an unused writer holds no array.</param>
    public PooledBufferWriter(int initialSize = 4096)
    {
        _initialSize = initialSize;
        _buffer = [];
    }

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets what was written; a buffer grown past the initial size goes back to the pool.</summary>
    public void Reset()
    {
        _written = 0;
        if (_buffer.Length > _initialSize * 4)
        {
            TransientBuffers.Return(_buffer);
            _buffer = TransientBuffers.Rent(_initialSize);
        }
    }

    /// <summary>Forgets what was written and gives the array back: an idle connection holds no output buffer.</summary>
    public void Release() => Dispose();

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            TransientBuffers.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        int size = Math.Max(Math.Max(_buffer.Length * 2, _initialSize), _written + sizeHint);
        var bigger = TransientBuffers.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        if (_buffer.Length > 0)
        {
            TransientBuffers.Return(_buffer);
        }

        _buffer = bigger;
    }
}
