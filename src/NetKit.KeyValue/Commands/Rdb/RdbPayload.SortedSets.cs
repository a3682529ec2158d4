using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace NetKit.KeyValue;

// Sorted sets in DUMP payloads: written as RDB_TYPE_ZSET_2 (member, then the score as a little-endian binary
// double); read from that, from the listpack Redis 7 writes for small sets and from the old text-score form.
internal static partial class RdbPayload
{
    private const byte TypeSortedSet = 3;
    private const byte TypeSortedSet2 = 5;
    private const byte TypeSortedSetListpack = 17;

    private static void WriteSortedSet(ArrayBufferWriter<byte> output, SortedSetValue set)
    {
        output.Write<byte>([TypeSortedSet2]);
        WriteLength(output, (ulong)set.Count);
        Span<byte> score = stackalloc byte[8];
        // Highest first, as Redis writes it, so that a loader inserting in order meets each at the list's head.
        for (var node = set.Last; node is not null; node = node.Backward)
        {
            WriteString(output, node.Member);
            BinaryPrimitives.WriteDoubleLittleEndian(score, node.Score);
            output.Write(score);
        }
    }

    /// <summary>The sorted set of a zset, zset2 or listpack payload; false when empty, malformed, a score is NaN or a
    /// member appears twice (Redis refuses those). The caller picks the encoding, which depends on its limits.</summary>
    private static bool TryReadSortedSet(byte type, ref Reader reader, out object value)
    {
        value = null!;
        var set = new SortedSetValue();
        if (type == TypeSortedSetListpack)
        {
            if (!reader.TryString(out byte[] listpack) || !Listpack.TryReadEntries(listpack, out List<byte[]> entries)
                || entries.Count == 0 || entries.Count % 2 != 0)
            {
                return false;
            }

            for (int i = 0; i < entries.Count; i += 2)
            {
                if (!ScoreText.TryParse(entries[i + 1], out double score) || !TryAdd(set, entries[i], score))
                {
                    return false;
                }
            }

            value = set;
            return true;
        }

        if (!reader.TryLength(out ulong count, out bool encoded) || encoded || count == 0 || count > int.MaxValue)
        {
            return false;
        }

        for (ulong i = 0; i < count; i++)
        {
            if (!reader.TryString(out byte[] member)
                || !(type == TypeSortedSet2 ? TryBinaryScore(ref reader, out double score) : TryTextScore(ref reader, out score))
                || !TryAdd(set, member, score))
            {
                return false;
            }
        }

        value = set;
        return true;
    }

    private static bool TryAdd(SortedSetValue set, byte[] member, double score)
    {
        if (double.IsNaN(score))
        {
            return false;
        }

        set.Set(member, score, out bool added, long.MaxValue, long.MaxValue);
        return added;
    }

    private static bool TryBinaryScore(ref Reader reader, out double score)
    {
        score = 0;
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < bytes.Length; i++)
        {
            if (!reader.TryByte(out bytes[i]))
            {
                return false;
            }
        }

        score = BinaryPrimitives.ReadDoubleLittleEndian(bytes);
        return true;
    }

    /// <summary>Redis's rdbLoadDoubleValue: a length byte (253 NaN, 254 +inf, 255 -inf) and that many characters.</summary>
    private static bool TryTextScore(ref Reader reader, out double score)
    {
        score = 0;
        if (!reader.TryByte(out byte length))
        {
            return false;
        }

        switch (length)
        {
            case 253:
                score = double.NaN;
                return true;
            case 254:
                score = double.PositiveInfinity;
                return true;
            case 255:
                score = double.NegativeInfinity;
                return true;
        }

        Span<byte> text = stackalloc byte[length];
        for (int i = 0; i < length; i++)
        {
            if (!reader.TryByte(out text[i]))
            {
                return false;
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out score);
    }
}
