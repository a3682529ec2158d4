namespace NetKit.KeyValue;

/// <summary>
/// Redis 7.0's reply to a command it does not have, byte for byte: the name and the arguments as they were
/// sent (not decoded, so bytes that are not UTF-8 come back as they came), each read as a C string (up to a
/// NUL byte), the name cut at 128 bytes and the arguments listed while they take less than 128 bytes, each
/// cut to what is left of those 128; line breaks become spaces so the error stays one line.
/// </summary>
internal static class UnknownCommandError
{
    private const int Limit = 128;

    public static void Write(ref CommandContext context)
    {
        // At most Limit bytes of text plus one argument's quotes and space.
        Span<byte> arguments = stackalloc byte[Limit + 3];
        int length = 0;
        for (int i = 1; i < context.Count && length < Limit; i++)
        {
            var text = CString(context[i], Limit - length);
            arguments[length++] = (byte)'\'';
            text.CopyTo(arguments[length..]);
            length += text.Length;
            arguments[length++] = (byte)'\'';
            arguments[length++] = (byte)' ';
        }

        byte[] message = [.. "ERR unknown command '"u8, .. CString(context[0], Limit), .. "', with args beginning with: "u8, .. arguments[..length]];
        foreach (ref byte b in message.AsSpan())
        {
            if (b is (byte)'\r' or (byte)'\n')
            {
                b = (byte)' ';
            }
        }

        context.Reply.Error(message);
    }

    private static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> value, int max)
    {
        int nul = value.IndexOf((byte)0);
        var text = nul < 0 ? value : value[..nul];
        return text.Length > max ? text[..max] : text;
    }
}
