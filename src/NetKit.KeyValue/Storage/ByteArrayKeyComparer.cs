namespace NetKit.KeyValue;

/// <summary>
/// Compares byte-array keys by content. It also compares a <see cref="ReadOnlySpan{T}"/> against a
/// stored key, so a dictionary's alternate lookup can find a key sliced out of the receive buffer
/// without first copying it into an array.
/// </summary>
/// <remarks>
/// Hashes go through <see cref="HashCode"/>, which is seeded randomly per process: keys come from the
/// network, and a fixed hash would let a client pick keys that all collide.
/// </remarks>
public sealed class ByteArrayKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    /// <summary>The comparer; it holds no state.</summary>
    public static ByteArrayKeyComparer Instance { get; } = new();

    private ByteArrayKeyComparer()
    {
    }

    /// <inheritdoc />
    public bool Equals(byte[]? x, byte[]? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        return x is not null && y is not null && x.AsSpan().SequenceEqual(y);
    }

    /// <inheritdoc />
    public int GetHashCode(byte[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return GetHashCode(obj.AsSpan());
    }

    /// <inheritdoc />
    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    /// <inheritdoc />
    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var hash = new HashCode();
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
