namespace NetKit.KeyValue;

/// <summary>
/// Splits an inline command line into arguments exactly as Redis does (its <c>sdssplitargs</c>): words
/// separated by white space; <c>"..."</c> with <c>\xHH</c>, <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\b</c>,
/// <c>\a</c> and <c>\c</c> (any other char, itself) escapes; <c>'...'</c> where only <c>\'</c> is an escape.
/// A quote may open in the middle of a word (<c>a"b c"</c> is <c>ab c</c>), and a closing quote must be
/// followed by white space or the end, else the line is unbalanced, as a missing closing quote is.
/// </summary>
internal static class InlineArgumentSplitter
{
    /// <summary>Decodes <paramref name="line"/>'s arguments into <paramref name="text"/> (grown as needed),
    /// each one's place in <paramref name="args"/>.</summary>
    /// <returns>False when the quotes are unbalanced (Redis: "Protocol error: unbalanced quotes in request").</returns>
    public static bool TrySplit(ReadOnlySpan<byte> line, ref byte[] text, ref ArgRange[] args, out int count)
    {
        count = 0;
        // The line is a C string to sdssplitargs: a NUL byte ends it.
        int nul = line.IndexOf((byte)0);
        if (nul >= 0)
        {
            line = line[..nul];
        }

        if (text.Length < line.Length)
        {
            // Decoding never makes an argument longer than its source.
            Array.Resize(ref text, Math.Max(line.Length, text.Length * 2));
        }

        int written = 0;
        int p = 0;
        while (true)
        {
            while (p < line.Length && IsSpace(line[p]))
            {
                p++;
            }

            if (p == line.Length)
            {
                return true;
            }

            int start = written;
            bool inDouble = false, inSingle = false, done = false;
            while (!done)
            {
                if (inDouble)
                {
                    if (p == line.Length)
                    {
                        return false;
                    }

                    byte c = line[p];
                    if (c == '\\' && p + 3 < line.Length && line[p + 1] == 'x' && IsHex(line[p + 2]) && IsHex(line[p + 3]))
                    {
                        text[written++] = (byte)((Hex(line[p + 2]) << 4) | Hex(line[p + 3]));
                        p += 3;
                    }
                    else if (c == '\\' && p + 1 < line.Length)
                    {
                        p++;
                        text[written++] = line[p] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        };
                    }
                    else if (c == '"')
                    {
                        if (p + 1 < line.Length && !IsSpace(line[p + 1]))
                        {
                            return false;
                        }

                        done = true;
                    }
                    else
                    {
                        text[written++] = c;
                    }
                }
                else if (inSingle)
                {
                    if (p == line.Length)
                    {
                        return false;
                    }

                    byte c = line[p];
                    if (c == '\\' && p + 1 < line.Length && line[p + 1] == '\'')
                    {
                        p++;
                        text[written++] = (byte)'\'';
                    }
                    else if (c == '\'')
                    {
                        if (p + 1 < line.Length && !IsSpace(line[p + 1]))
                        {
                            return false;
                        }

                        done = true;
                    }
                    else
                    {
                        text[written++] = c;
                    }
                }
                else if (p == line.Length)
                {
                    break;
                }
                else
                {
                    switch (line[p])
                    {
                        // sdssplitargs ends an unquoted word on these, not on every isspace() byte.
                        case (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0:
                            done = true;
                            break;
                        case (byte)'"':
                            inDouble = true;
                            break;
                        case (byte)'\'':
                            inSingle = true;
                            break;
                        default:
                            text[written++] = line[p];
                            break;
                    }
                }

                if (p < line.Length)
                {
                    p++;
                }
            }

            if (count == args.Length)
            {
                Array.Resize(ref args, count * 2);
            }

            args[count++] = new ArgRange(start, written - start);
        }
    }

    /// <summary>C's isspace in the C locale.</summary>
    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
