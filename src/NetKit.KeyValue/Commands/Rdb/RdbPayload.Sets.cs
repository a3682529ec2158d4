using System.Buffers;
using System.Buffers.Binary;

namespace NetKit.KeyValue;

// Sets in DUMP's payload, as Redis 7.0 writes them: a hashtable as RDB_TYPE_SET (a length, then each member
// as a string), an intset as RDB_TYPE_SET_INTSET (the intset's own bytes as one string).
internal static partial class RdbPayload
{
    private const byte TypeSet = 2;
    private const byte TypeSetIntset = 11;

    private static void DumpSet(ArrayBufferWriter<byte> output, SetValue set)
    {
        if (!set.IsIntset)
        {
            output.Write<byte>([TypeSet]);
            WriteLength(output, (ulong)set.Count);
            for (int i = 0; i < set.Count; i++)
            {
                WriteString(output, set.MemberArrayAt(i));
            }

            return;
        }

        output.Write<byte>([TypeSetIntset]);
        var integers = set.Integers;
        long min = integers.IsEmpty ? 0 : integers[0];
        long max = integers.IsEmpty ? 0 : integers[^1];
        // Redis's intset: every integer in the narrowest width that holds them all (2, 4 or 8 bytes), little endian.
        int width = min >= short.MinValue && max <= short.MaxValue ? 2 : min >= int.MinValue && max <= int.MaxValue ? 4 : 8;
        var blob = new byte[8 + (width * integers.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(blob, (uint)width);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), (uint)integers.Length);
        for (int i = 0; i < integers.Length; i++)
        {
            var slot = blob.AsSpan(8 + (i * width));
            switch (width)
            {
                case 2:
                    BinaryPrimitives.WriteInt16LittleEndian(slot, (short)integers[i]);
                    break;
                case 4:
                    BinaryPrimitives.WriteInt32LittleEndian(slot, (int)integers[i]);
                    break;
                default:
                    BinaryPrimitives.WriteInt64LittleEndian(slot, integers[i]);
                    break;
            }
        }

        WriteLength(output, (ulong)blob.Length);
        output.Write(blob);
    }

    /// <summary>Redis 7.0's rdbLoadObject for sets: an empty set, a member twice or an intset out of order is
    /// refused; the encoding follows from the members and <paramref name="maxIntsetEntries"/>.</summary>
    private static bool TryReadSet(ref Reader reader, byte type, long maxIntsetEntries, out object value)
    {
        value = null!;
        var set = new SetValue();
        if (type == TypeSet)
        {
            if (!reader.TryLength(out ulong count, out bool encoded) || encoded || count == 0 || count > int.MaxValue)
            {
                return false;
            }

            for (ulong i = 0; i < count; i++)
            {
                if (!reader.TryString(out byte[] member))
                {
                    return false;
                }

                set.Add(member, maxIntsetEntries, out bool added);
                if (!added)
                {
                    return false;
                }
            }

            value = set;
            return true;
        }

        if (!reader.TryString(out byte[] blob) || blob.Length < 8)
        {
            return false;
        }

        uint width = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4));
        if (width is not (2 or 4 or 8) || length == 0 || (ulong)length * width + 8 != (ulong)blob.Length)
        {
            return false;
        }

        Span<byte> text = stackalloc byte[SetValue.MaxIntegerLength];
        long previous = 0;
        for (int i = 0; i < length; i++)
        {
            var slot = blob.AsSpan(8 + (i * (int)width));
            long number = width switch
            {
                2 => BinaryPrimitives.ReadInt16LittleEndian(slot),
                4 => BinaryPrimitives.ReadInt32LittleEndian(slot),
                _ => BinaryPrimitives.ReadInt64LittleEndian(slot),
            };

            if (i > 0 && number <= previous)
            {
                return false;
            }

            previous = number;
            System.Buffers.Text.Utf8Formatter.TryFormat(number, text, out int written);
            set.Add(text[..written], maxIntsetEntries, out _);
        }

        value = set;
        return true;
    }
}
