using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// DUMP's payload as Redis 7.0 writes it — the value in RDB format, the RDB version (10) and a CRC-64 — so a
/// payload moves between NetKit and Redis either way (RESTORE, MIGRATE-style copies, redis-cli). Strings are
/// written with Redis's integer encodings but without LZF compression, hashes as plain RDB hashes; what
/// Redis writes (LZF-compressed strings, listpack hashes) is read as well.
/// </summary>
internal static partial class RdbPayload
{
    /// <summary>Redis 7.0's RDB_VERSION: a payload of a later version is refused.</summary>
    public const ushort Version = 10;

    private const byte TypeString = 0;
    private const byte TypeHash = 4;
    private const byte TypeHashListpack = 16;

    public static byte[] Dump(object value)
    {
        var output = new ArrayBufferWriter<byte>();
        switch (value)
        {
            case byte[] text:
                output.Write<byte>([TypeString]);
                WriteString(output, text);
                break;
            case HashValue hash:
                output.Write<byte>([TypeHash]);
                WriteLength(output, (ulong)hash.Count);
                foreach (var (field, fieldValue) in hash.Fields)
                {
                    WriteString(output, field);
                    WriteString(output, fieldValue);
                }

                break;
            case SetValue set:
                DumpSet(output, set);
                break;
            case SortedSetValue sortedSet:
                WriteSortedSet(output, sortedSet);
                break;
            case ListValue list:
                WriteList(output, list);
                break;
            default:
                throw new ArgumentException("no RDB form for this value", nameof(value));
        }

        Span<byte> footer = stackalloc byte[10];
        BinaryPrimitives.WriteUInt16LittleEndian(footer, Version);
        output.Write(footer[..2]);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[2..], Crc64Jones.Compute(output.WrittenSpan));
        output.Write(footer[2..]);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Redis's verifyDumpPayload: a version this server reads and a checksum that matches.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 10)
        {
            return false;
        }

        var footer = payload[^10..];
        return BinaryPrimitives.ReadUInt16LittleEndian(footer) <= Version
            && BinaryPrimitives.ReadUInt64LittleEndian(footer[2..]) == Crc64Jones.Compute(payload[..^8]);
    }

    /// <summary>Reads the value of an intact payload: a string or a hash (made a hashtable past the given
    /// listpack limits); false for any other type, an empty or malformed value, or duplicate hash fields.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, long maxListpackEntries, long maxListpackValue, out object value,
        long maxIntsetEntries = SetValue.IntsetMaxEntries)
    {
        value = null!;
        var reader = new Reader(payload[..^10]);
        if (!reader.TryByte(out byte type))
        {
            return false;
        }

        switch (type)
        {
            case TypeString:
                if (!reader.TryString(out byte[] text))
                {
                    return false;
                }

                value = text;
                return true;
            case TypeHash:
            {
                if (!reader.TryLength(out ulong count, out bool encoded) || encoded || count == 0 || count > int.MaxValue)
                {
                    return false;
                }

                var hash = new HashValue();
                for (ulong i = 0; i < count; i++)
                {
                    if (!reader.TryString(out byte[] field) || !reader.TryString(out byte[] fieldValue)
                        || !TryAdd(hash, field, fieldValue, maxListpackEntries, maxListpackValue))
                    {
                        return false;
                    }
                }

                value = hash;
                return true;
            }

            case TypeHashListpack:
            {
                if (!reader.TryString(out byte[] listpack) || !Listpack.TryReadEntries(listpack, out List<byte[]> entries)
                    || entries.Count == 0 || entries.Count % 2 != 0)
                {
                    return false;
                }

                var hash = new HashValue(entries.Count / 2);
                for (int i = 0; i < entries.Count; i += 2)
                {
                    if (!TryAdd(hash, entries[i], entries[i + 1], maxListpackEntries, maxListpackValue))
                    {
                        return false;
                    }
                }

                value = hash;
                return true;
            }

            case TypeSet or TypeSetIntset:
                return TryReadSet(ref reader, type, maxIntsetEntries, out value);
            case TypeSortedSet or TypeSortedSet2 or TypeSortedSetListpack:
                return TryReadSortedSet(type, ref reader, out value);
            case TypeList or TypeListQuicklist2:
                return TryReadList(ref reader, type, out value);
            default:
                return false;
        }
    }

    private static bool TryAdd(HashValue hash, byte[] field, byte[] value, long maxEntries, long maxValue)
    {
        hash.Set(field, value, out bool added, maxEntries, maxValue);
        return added; // Redis refuses a payload with a field twice
    }

    private static void WriteLength(ArrayBufferWriter<byte> output, ulong length)
    {
        Span<byte> bytes = stackalloc byte[9];
        if (length < 64)
        {
            output.Write<byte>([(byte)length]);
        }
        else if (length < 16384)
        {
            output.Write<byte>([(byte)(0x40 | (length >> 8)), (byte)length]);
        }
        else if (length <= uint.MaxValue)
        {
            bytes[0] = 0x80;
            BinaryPrimitives.WriteUInt32BigEndian(bytes[1..], (uint)length);
            output.Write(bytes[..5]);
        }
        else
        {
            bytes[0] = 0x81;
            BinaryPrimitives.WriteUInt64BigEndian(bytes[1..], length);
            output.Write(bytes);
        }
    }

    /// <summary>Redis's rdbSaveRawString without compression: up to 11 characters that are an integer in
    /// 32 bits are written as that integer (RDB_ENC_INT8/16/32), anything else as length and bytes.</summary>
    private static void WriteString(ArrayBufferWriter<byte> output, byte[] text)
    {
        if (text.Length <= 11 && CommandContext.TryParseInteger(text, out long number) && number is >= int.MinValue and <= int.MaxValue)
        {
            Span<byte> bytes = stackalloc byte[5];
            if (number is >= sbyte.MinValue and <= sbyte.MaxValue)
            {
                output.Write<byte>([0xc0, (byte)(sbyte)number]);
            }
            else if (number is >= short.MinValue and <= short.MaxValue)
            {
                bytes[0] = 0xc1;
                BinaryPrimitives.WriteInt16LittleEndian(bytes[1..], (short)number);
                output.Write(bytes[..3]);
            }
            else
            {
                bytes[0] = 0xc2;
                BinaryPrimitives.WriteInt32LittleEndian(bytes[1..], (int)number);
                output.Write(bytes);
            }

            return;
        }

        WriteLength(output, (ulong)text.Length);
        output.Write(text);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public bool TryByte(out byte value)
        {
            value = 0;
            if (_position >= _data.Length)
            {
                return false;
            }

            value = _data[_position++];
            return true;
        }

        /// <summary>An RDB length, or (<paramref name="encoded"/>) the number of a special string encoding.</summary>
        public bool TryLength(out ulong length, out bool encoded)
        {
            length = 0;
            encoded = false;
            if (!TryByte(out byte first))
            {
                return false;
            }

            switch (first >> 6)
            {
                case 0:
                    length = (ulong)(first & 0x3f);
                    return true;
                case 1:
                    if (!TryByte(out byte second))
                    {
                        return false;
                    }

                    length = ((ulong)(first & 0x3f) << 8) | second;
                    return true;
                case 3:
                    encoded = true;
                    length = (ulong)(first & 0x3f);
                    return true;
            }

            if (first == 0x80 && TryBytes(4, out var four))
            {
                length = BinaryPrimitives.ReadUInt32BigEndian(four);
                return true;
            }

            if (first == 0x81 && TryBytes(8, out var eight))
            {
                length = BinaryPrimitives.ReadUInt64BigEndian(eight);
                return true;
            }

            return false;
        }

        public bool TryString(out byte[] text)
        {
            text = [];
            if (!TryLength(out ulong length, out bool encoded))
            {
                return false;
            }

            if (!encoded)
            {
                if (length > (ulong)(_data.Length - _position) || !TryBytes((int)length, out var raw))
                {
                    return false;
                }

                text = raw.ToArray();
                return true;
            }

            long number;
            switch (length)
            {
                case 0 when TryBytes(1, out var one):
                    number = (sbyte)one[0];
                    break;
                case 1 when TryBytes(2, out var two):
                    number = BinaryPrimitives.ReadInt16LittleEndian(two);
                    break;
                case 2 when TryBytes(4, out var four):
                    number = BinaryPrimitives.ReadInt32LittleEndian(four);
                    break;
                case 3:
                    return TryCompressed(out text);
                default:
                    return false;
            }

            text = Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture));
            return true;
        }

        private bool TryCompressed(out byte[] text)
        {
            text = [];
            if (!TryLength(out ulong compressed, out bool e1) || e1 || !TryLength(out ulong length, out bool e2) || e2
                || compressed > (ulong)(_data.Length - _position)
                // LZF expands at most about 132 times: a larger claim is a lie that would only allocate.
                || length > compressed * 132 + 64 || length > int.MaxValue
                || !TryBytes((int)compressed, out var data))
            {
                return false;
            }

            return Lzf.TryDecompress(data, (int)length, out text);
        }

        private bool TryBytes(int count, out ReadOnlySpan<byte> bytes)
        {
            bytes = default;
            if (count < 0 || count > _data.Length - _position)
            {
                return false;
            }

            bytes = _data.Slice(_position, count);
            _position += count;
            return true;
        }
    }
}
