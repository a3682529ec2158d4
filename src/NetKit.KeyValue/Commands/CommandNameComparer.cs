using System.Text;

namespace NetKit.KeyValue;

/// <summary>Command names compared as Redis does, ignoring ASCII case, straight from the request bytes.</summary>
internal sealed class CommandNameComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static CommandNameComparer Instance { get; } = new();

    public bool Equals(byte[]? x, byte[]? y) => x is not null && y is not null && Ascii.EqualsIgnoreCase(x, y);

    public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => Ascii.EqualsIgnoreCase(alternate, other);

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        // FNV-1a over the upper-cased bytes: names are short, and a lookup must not allocate.
        uint hash = 2166136261;
        foreach (byte b in alternate)
        {
            hash = (hash ^ (uint)(b is >= (byte)'a' and <= (byte)'z' ? b - 32 : b)) * 16777619;
        }

        return (int)hash;
    }

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
