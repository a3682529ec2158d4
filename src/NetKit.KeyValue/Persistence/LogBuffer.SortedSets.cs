namespace NetKit.KeyValue.Persistence;

// Sorted-set records: ZADD with an absolute score (ZINCRBY is logged by its result) and ZREM, as Redis's AOF has them.
internal sealed partial class LogBuffer
{
    public void WriteSortedSetAdd(ReadOnlySpan<byte> key, ReadOnlySpan<byte> member, double score)
    {
        WriteArrayHeader(4);
        WriteBulk("ZADD"u8);
        WriteBulk(key);
        WriteScore(score);
        WriteBulk(member);
    }

    /// <summary>One ZADD record of several members (a rewrite writes a sorted set this way, as Redis's AOF_REWRITE_ITEMS_PER_CMD).</summary>
    public void WriteSortedSetAdd(ReadOnlySpan<byte> key, ReadOnlySpan<(byte[] Member, double Score)> members)
    {
        WriteArrayHeader(2 + (2 * members.Length));
        WriteBulk("ZADD"u8);
        WriteBulk(key);
        foreach (var (member, score) in members)
        {
            WriteScore(score);
            WriteBulk(member);
        }
    }

    public void WriteSortedSetRemove(ReadOnlySpan<byte> key, ReadOnlySpan<byte> member)
    {
        WriteArrayHeader(3);
        WriteBulk("ZREM"u8);
        WriteBulk(key);
        WriteBulk(member);
    }

    /// <summary>%.17g, which reads back as the same double.</summary>
    private void WriteScore(double score)
    {
        Span<byte> text = stackalloc byte[ScoreText.MaxLength];
        WriteBulk(text[..ScoreText.Format(score, text)]);
    }
}
