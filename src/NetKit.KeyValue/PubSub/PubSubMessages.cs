using System.Buffers.Text;

namespace NetKit.KeyValue;

/// <summary>
/// The RESP2 pushes of pub/sub, built once per published message and shared by every subscriber that gets it:
/// <c>message</c>, <c>smessage</c> (<c>*3</c>: kind, channel, payload) and <c>pmessage</c> (<c>*4</c>: kind,
/// pattern, channel, payload), byte for byte as Redis writes them; <see cref="AsPush"/> gives RESP3's form.
/// </summary>
internal static class PubSubMessages
{
    /// <summary>The same message for a RESP3 subscriber: a push (<c>&gt;</c>) where RESP2 has an array; built once
    /// per message for all RESP3 subscribers.</summary>
    public static byte[] AsPush(byte[] message)
    {
        var push = (byte[])message.Clone();
        push[0] = (byte)'>';
        return push;
    }

    public static byte[] Message(ReadOnlySpan<byte> kind, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload) =>
        Build(kind, default, channel, payload, withPattern: false);

    public static byte[] PatternMessage(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload) =>
        Build("pmessage"u8, pattern, channel, payload, withPattern: true);

    private static byte[] Build(ReadOnlySpan<byte> kind, ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload,
        bool withPattern)
    {
        int length = 4 + BulkLength(kind) + BulkLength(channel) + BulkLength(payload) + (withPattern ? BulkLength(pattern) : 0);
        var message = GC.AllocateUninitializedArray<byte>(length);
        var span = message.AsSpan();
        span[0] = (byte)'*';
        span[1] = withPattern ? (byte)'4' : (byte)'3';
        span[2] = (byte)'\r';
        span[3] = (byte)'\n';
        int at = 4;
        at += WriteBulk(span[at..], kind);
        if (withPattern)
        {
            at += WriteBulk(span[at..], pattern);
        }

        at += WriteBulk(span[at..], channel);
        WriteBulk(span[at..], payload);
        return message;
    }

    private static int BulkLength(ReadOnlySpan<byte> value) => 1 + Digits(value.Length) + 2 + value.Length + 2;

    private static int WriteBulk(Span<byte> span, ReadOnlySpan<byte> value)
    {
        span[0] = (byte)'$';
        Utf8Formatter.TryFormat(value.Length, span[1..], out int digits);
        int at = 1 + digits;
        span[at++] = (byte)'\r';
        span[at++] = (byte)'\n';
        value.CopyTo(span[at..]);
        at += value.Length;
        span[at++] = (byte)'\r';
        span[at++] = (byte)'\n';
        return at;
    }

    private static int Digits(int value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}
