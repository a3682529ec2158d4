namespace NetKit.KeyValue;

/// <summary>LZF decompression, for the compressed strings of DUMP payloads Redis writes (rdbcompression).</summary>
internal static class Lzf
{
    /// <summary>Expands <paramref name="input"/> into exactly <paramref name="length"/> bytes; false when it is malformed.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> input, int length, out byte[] output)
    {
        output = new byte[length];
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int control = input[ip++];
            if (control < 32)
            {
                // A run of control + 1 literal bytes.
                int run = control + 1;
                if (ip + run > input.Length || op + run > length)
                {
                    return false;
                }

                input.Slice(ip, run).CopyTo(output.AsSpan(op));
                ip += run;
                op += run;
                continue;
            }

            // A back reference: length in the top 3 bits (7 = one more byte), offset in the low 5 and the next byte.
            int count = control >> 5;
            if (count == 7)
            {
                if (ip >= input.Length)
                {
                    return false;
                }

                count += input[ip++];
            }

            if (ip >= input.Length)
            {
                return false;
            }

            int reference = op - ((control & 0x1f) << 8) - input[ip++] - 1;
            count += 2;
            if (reference < 0 || op + count > length)
            {
                return false;
            }

            // Byte by byte: the source may overlap what is being written (a repeated pattern).
            for (int i = 0; i < count; i++)
            {
                output[op++] = output[reference++];
            }
        }

        return op == length;
    }
}
