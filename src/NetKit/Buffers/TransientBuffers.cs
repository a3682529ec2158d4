using System.Buffers;

namespace NetKit.Buffers;

/// <summary>
/// Buffers that live for one request or one reply. Ordinary sizes come from <see cref="ArrayPool{T}.Shared"/>;
/// a large one (a 512 MB value, a client's huge pipeline) is allocated for the occasion and left to the
/// GC, because the shared pool keeps what it is given back — up to a gigabyte an array — and a server
/// that served one large request once would hold that memory for the rest of its life.
/// </summary>
public static class TransientBuffers
{
    /// <summary>The largest buffer taken from and given back to the shared pool.</summary>
    public const int MaxPooledLength = 1024 * 1024;

    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes; give it back with <see cref="Return"/>.</summary>
    public static byte[] Rent(int minimumLength) =>
        minimumLength <= MaxPooledLength
            ? ArrayPool<byte>.Shared.Rent(minimumLength)
            : GC.AllocateUninitializedArray<byte>(minimumLength);

    /// <summary>Gives back a buffer from <see cref="Rent"/>: to the pool when it came from there, else to the GC.</summary>
    public static void Return(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= MaxPooledLength)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
