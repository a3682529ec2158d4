namespace NetKit.KeyValue.Persistence;

// Set records, as Redis's AOF writes them: SADD and SREM (SPOP is logged as the SREM of what it popped).
internal sealed partial class LogBuffer
{
    /// <summary>One SADD or SREM record (<paramref name="command"/>) of one member.</summary>
    public void WriteSetMembers(ReadOnlySpan<byte> command, ReadOnlySpan<byte> key, ReadOnlySpan<byte> member)
    {
        WriteArrayHeader(3);
        WriteBulk(command);
        WriteBulk(key);
        WriteBulk(member);
    }

    /// <summary>One SADD record of several members (a rewrite writes a set this way, as Redis's AOF_REWRITE_ITEMS_PER_CMD).</summary>
    public void WriteSetAdd(ReadOnlySpan<byte> key, ReadOnlySpan<byte[]> members)
    {
        WriteArrayHeader(2 + members.Length);
        WriteBulk("SADD"u8);
        WriteBulk(key);
        foreach (byte[] member in members)
        {
            WriteBulk(member);
        }
    }
}
