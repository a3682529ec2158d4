namespace NetKit.KeyValue;

/// <summary>
/// What a stored value is. Strings are kept as plain immutable byte arrays (so GET and SET stay one lookup
/// and no wrapper); every other type is a class of its own (<see cref="HashValue"/>; lists, sets and sorted
/// sets would slot in beside it).
/// </summary>
internal static class StoredValues
{
    /// <summary>Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT: longer strings are "raw".</summary>
    private const int EmbstrMaxLength = 44;

    /// <summary>TYPE's answer.</summary>
    public static ReadOnlySpan<byte> TypeName(object value) => value switch
    {
        byte[] => "string"u8,
        HashValue => "hash"u8,
        SetValue => "set"u8,
        SortedSetValue => "zset"u8,
        ListValue => "list"u8,
        _ => "none"u8,
    };

    /// <summary>OBJECT ENCODING's answer, as Redis 7 chooses it.</summary>
    public static string Encoding(object value) => value switch
    {
        byte[] bytes when bytes.Length <= 20 && CommandContext.TryParseInteger(bytes, out _) => "int",
        byte[] bytes => bytes.Length <= EmbstrMaxLength ? "embstr" : "raw",
        HashValue hash => hash.Encoding,
        SetValue set => set.Encoding,
        SortedSetValue sortedSet => sortedSet.Encoding,
        ListValue => "quicklist",
        _ => "unknown",
    };

    /// <summary>Bytes the value holds, for memory accounting.</summary>
    public static long SizeOf(object value) => value switch
    {
        byte[] bytes => bytes.Length,
        HashValue hash => hash.UsedBytes,
        SetValue set => set.UsedBytes,
        SortedSetValue sortedSet => sortedSet.UsedBytes,
        ListValue list => list.UsedBytes,
        _ => 0,
    };
}
