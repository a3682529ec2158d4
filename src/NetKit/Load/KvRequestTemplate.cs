using System.Text;

namespace NetKit.Load;

/// <summary>
/// One kv request with holes for its key and value, filled in place per request, so a changing value
/// costs a few digit writes and no allocation. Keys are <c>key:</c> plus six digits and a changing value
/// ends in a 16-digit hex counter: every request of a run has the same length.
/// </summary>
internal sealed class KvRequestTemplate
{
    public const int KeyLength = 10;
    private const int KeyDigits = 6;
    private const int CounterDigits = 16;

    private readonly byte[] _bytes;
    private readonly int _keyOffset;
    private readonly int _valueOffset;
    private readonly int _valueLength;
    private readonly int _keys;
    private readonly bool _changingValues;

    /// <param name="parts">The request, with <c>{key}</c> and <c>{value}</c> where they go.</param>
    public KvRequestTemplate(string parts, int valueLength, int keys, bool changingValues)
    {
        string before = parts[..parts.IndexOf("{key}", StringComparison.Ordinal)];
        string afterKey = parts[(before.Length + "{key}".Length)..];
        int value = afterKey.IndexOf("{value}", StringComparison.Ordinal);
        string middle = value < 0 ? afterKey : afterKey[..value];
        string after = value < 0 ? string.Empty : afterKey[(value + "{value}".Length)..];
        _valueLength = value < 0 ? 0 : valueLength;

        _keyOffset = Encoding.ASCII.GetByteCount(before);
        _valueOffset = _keyOffset + KeyLength + Encoding.ASCII.GetByteCount(middle);
        _bytes = new byte[_valueOffset + _valueLength + Encoding.ASCII.GetByteCount(after)];
        Encoding.ASCII.GetBytes(before, _bytes);
        Encoding.ASCII.GetBytes("key:000000", _bytes.AsSpan(_keyOffset));
        Encoding.ASCII.GetBytes(middle, _bytes.AsSpan(_keyOffset + KeyLength));
        _bytes.AsSpan(_valueOffset, _valueLength).Fill((byte)'x');
        Encoding.ASCII.GetBytes(after, _bytes.AsSpan(_valueOffset + _valueLength));
        _keys = keys;
        _changingValues = changingValues && _valueLength > 0;
    }

    public int Length => _bytes.Length;

    public void Write(Span<byte> destination, int connection, long sequence)
    {
        _bytes.CopyTo(destination);

        // Spread connections over the key space, each walking it from its own place.
        long key = (((long)connection * 7919) + sequence) % _keys;
        WriteDigits(destination.Slice(_keyOffset + KeyLength - KeyDigits, KeyDigits), (ulong)key, 10);

        if (_changingValues)
        {
            ulong counter = ((ulong)sequence << 20) ^ (uint)connection;
            int digits = Math.Min(CounterDigits, _valueLength);
            WriteDigits(destination.Slice(_valueOffset + _valueLength - digits, digits), counter, 16);
        }
    }

    private static void WriteDigits(Span<byte> destination, ulong value, uint radix)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            uint digit = (uint)(value % radix);
            destination[i] = (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);
            value /= radix;
        }
    }
}
