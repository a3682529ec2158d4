using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>Reads Redis 7's listpack, the compact form of small hashes inside DUMP payloads: a 4-byte total
/// length, a 2-byte count, entries (an encoding byte, the data, a back-length) and 0xFF.</summary>
internal static class Listpack
{
    public static bool TryReadEntries(ReadOnlySpan<byte> listpack, out List<byte[]> entries)
    {
        entries = [];
        if (listpack.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(listpack) != (uint)listpack.Length
            || listpack[^1] != 0xff)
        {
            return false;
        }

        int count = BinaryPrimitives.ReadUInt16LittleEndian(listpack[4..]);
        int position = 6;
        while (position < listpack.Length - 1)
        {
            if (!TryReadEntry(listpack[position..^1], out byte[] entry, out int encodedLength))
            {
                return false;
            }

            entries.Add(entry);
            position += encodedLength + BackLengthSize(encodedLength);
        }

        // 65535 means "count them": Redis stops keeping the number past that.
        return position == listpack.Length - 1 && (count == ushort.MaxValue || count == entries.Count);
    }

    private static bool TryReadEntry(ReadOnlySpan<byte> data, out byte[] entry, out int length)
    {
        entry = [];
        length = 0;
        byte b = data[0];
        long number;
        if ((b & 0x80) == 0)
        {
            number = b & 0x7f;
            length = 1;
        }
        else if ((b & 0xc0) == 0x80)
        {
            return TryString(data, 1, b & 0x3f, out entry, out length);
        }
        else if ((b & 0xe0) == 0xc0)
        {
            if (data.Length < 2)
            {
                return false;
            }

            number = ((b & 0x1f) << 8) | data[1];
            number = number >= 1 << 12 ? number - (1 << 13) : number;
            length = 2;
        }
        else if ((b & 0xf0) == 0xe0)
        {
            return data.Length >= 2 && TryString(data, 2, ((b & 0x0f) << 8) | data[1], out entry, out length);
        }
        else if (b == 0xf0)
        {
            return data.Length >= 5 && BinaryPrimitives.ReadUInt32LittleEndian(data[1..]) is var size && size <= int.MaxValue
                && TryString(data, 5, (int)size, out entry, out length);
        }
        else
        {
            int bytes = b switch { 0xf1 => 2, 0xf2 => 3, 0xf3 => 4, 0xf4 => 8, _ => 0 };
            if (bytes == 0 || data.Length < 1 + bytes)
            {
                return false;
            }

            var value = data.Slice(1, bytes);
            number = bytes switch
            {
                2 => BinaryPrimitives.ReadInt16LittleEndian(value),
                3 => ((value[2] << 24) | (value[1] << 16) | (value[0] << 8)) >> 8, // sign-extended from 24 bits
                4 => BinaryPrimitives.ReadInt32LittleEndian(value),
                _ => BinaryPrimitives.ReadInt64LittleEndian(value),
            };
            length = 1 + bytes;
        }

        entry = Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture));
        return data.Length >= length + BackLengthSize(length);
    }

    private static bool TryString(ReadOnlySpan<byte> data, int header, int size, out byte[] entry, out int length)
    {
        entry = [];
        length = header + size;
        if ((long)header + size + BackLengthSize(header + size) > data.Length)
        {
            return false;
        }

        entry = data.Slice(header, size).ToArray();
        return true;
    }

    /// <summary>The back-length after an entry: its encoded length in 7-bit groups.</summary>
    private static int BackLengthSize(int length) => length switch
    {
        < 128 => 1,
        < 16384 => 2,
        < 2097152 => 3,
        < 268435456 => 4,
        _ => 5,
    };
}
