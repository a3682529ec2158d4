using System.Buffers;

namespace NetKit.Protocols.KeyValue;

/// <summary>Replies of the inline (line) protocol: plain text ending in <c>\n</c>.</summary>
internal readonly struct InlineReplyFormat : IKeyValueReplyFormat
{
    public static void WriteOk(IBufferWriter<byte> output) => output.Write("OK\n"u8);

    public static void WriteValue(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        Span<byte> reply = output.GetSpan(value.Length + 1);
        value.CopyTo(reply);
        reply[value.Length] = (byte)'\n';
        output.Advance(value.Length + 1);
    }

    public static void WriteNil(IBufferWriter<byte> output) => output.Write("(nil)\n"u8);
}
