namespace NetKit.KeyValue;

/// <summary>
/// MEMORY USAGE's number as Redis 7.0 computes it for a string key on jemalloc: the dictEntry (24 bytes), the
/// key's sds and the value's object, each rounded up to its jemalloc size class. The value's encoding decides
/// the object: an integer is the bare 16-byte robj, up to 44 bytes the robj and its sds share one allocation
/// (embstr), longer values have their own sds (raw). An estimate, as Redis's is: tools (redis-cli
/// <c>--memkeys</c>) compare keys with it, they do not add it up to the process's memory.
/// </summary>
internal static class MemoryEstimate
{
    private const int DictEntry = 24;
    private const int RedisObject = 16;

    /// <summary>Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT.</summary>
    public const int EmbstrLimit = 44;

    public static long StringKey(int keyLength, ReadOnlySpan<byte> value)
    {
        long valueSize = Encoding(value) switch
        {
            "int" => RedisObject,
            "embstr" => SizeClass(RedisObject + 3 + value.Length + 1),
            _ => SizeClass(SdsHeader(value.Length, rawValue: true) + value.Length + 1) + RedisObject,
        };
        return DictEntry + SizeClass(SdsHeader(keyLength, rawValue: false) + keyLength + 1) + valueSize;
    }

    /// <summary>OBJECT ENCODING of a string value, from the value alone (Redis also says raw after APPEND or SETRANGE).</summary>
    public static string Encoding(ReadOnlySpan<byte> value) =>
        value.Length <= 20 && CommandContext.TryParseInteger(value, out _) ? "int" : value.Length <= EmbstrLimit ? "embstr" : "raw";

    /// <summary>sds header bytes: keys shorter than 32 bytes get the 1-byte sdshdr5; values (created with room to
    /// grow) start at sdshdr8.</summary>
    private static int SdsHeader(long length, bool rawValue) => length switch
    {
        < 32 when !rawValue => 1,
        < 256 => 3,
        < 65536 => 5,
        < 1L << 32 => 9,
        _ => 17,
    };

    /// <summary>jemalloc's size classes: 8, then multiples of 16 up to 128, then four classes per doubling.</summary>
    public static long SizeClass(long size)
    {
        if (size <= 8)
        {
            return 8;
        }

        if (size <= 128)
        {
            return (size + 15) & ~15L;
        }

        int log2 = 63 - (int)long.LeadingZeroCount(size - 1);
        long step = 1L << (log2 - 2);
        return (size + step - 1) & ~(step - 1);
    }
}
