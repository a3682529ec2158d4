namespace NetKit.Bench;

/// <summary>Inputs for the benchmarks, built once in setup so building them is never measured.</summary>
internal static class Payloads
{
    /// <summary><paramref name="length"/> lower-case letters: ASCII, so the lines core takes its fast path
    /// as a typical client's text would.</summary>
    public static byte[] Letters(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)('a' + (i % 26));
        }

        return bytes;
    }

    /// <summary>A <paramref name="length"/>-byte line: letters, then <c>\n</c>.</summary>
    public static byte[] Line(int length)
    {
        byte[] line = Letters(length);
        line[^1] = (byte)'\n';
        return line;
    }

    public static byte[] Repeat(byte[] bytes, int times)
    {
        var result = new byte[bytes.Length * times];
        for (int i = 0; i < times; i++)
        {
            bytes.CopyTo(result, i * bytes.Length);
        }

        return result;
    }
}
