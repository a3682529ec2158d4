using System.Buffers.Text;

namespace NetKit.KeyValue.Persistence;

// Parsing: one RESP multibulk record at a time into argument ranges, telling a torn end from damage.
internal sealed partial class AppendOnlyLogReader
{
    private enum ParseStatus
    {
        Complete,
        Incomplete,
        Invalid,
    }

    /// <summary>Parses one RESP multibulk command at the start of <paramref name="input"/> into <see cref="_args"/>.</summary>
    private ParseStatus TryParse(ReadOnlySpan<byte> input, out int consumed, out int problemAt, out string? problem)
    {
        consumed = 0;
        problemAt = 0;
        problem = null;
        _argCount = 0;
        if (input.IsEmpty)
        {
            return ParseStatus.Incomplete;
        }

        if (input[0] != (byte)'*')
        {
            problem = $"expected '*' to start a command, found {Describe(input[0])}";
            return ParseStatus.Invalid;
        }

        int pos = 1;
        var status = TryReadNumber(input, ref pos, out long count, out problemAt, out problem);
        if (status != ParseStatus.Complete)
        {
            return status;
        }

        if (count < 1 || count > MaxArguments)
        {
            problemAt = 1;
            problem = $"a command of {count} arguments";
            return ParseStatus.Invalid;
        }

        for (int i = 0; i < count; i++)
        {
            if (pos >= input.Length)
            {
                return ParseStatus.Incomplete;
            }

            if (input[pos] != (byte)'$')
            {
                problemAt = pos;
                problem = $"expected '$' for argument {i + 1}, found {Describe(input[pos])}";
                return ParseStatus.Invalid;
            }

            int lengthAt = pos;
            pos++;
            status = TryReadNumber(input, ref pos, out long length, out problemAt, out problem);
            if (status != ParseStatus.Complete)
            {
                return status;
            }

            if (length < 0 || length > MaxBulkLength)
            {
                problemAt = lengthAt;
                problem = $"a bulk string of length {length}";
                return ParseStatus.Invalid;
            }

            if (input.Length - pos < length + 2)
            {
                return ParseStatus.Incomplete;
            }

            int dataAt = pos;
            pos += (int)length;
            if (input[pos] != (byte)'\r' || input[pos + 1] != (byte)'\n')
            {
                problemAt = pos;
                problem = $"argument {i + 1} is not followed by CRLF where its length says it ends";
                return ParseStatus.Invalid;
            }

            pos += 2;
            if (_argCount == _args.Length)
            {
                Array.Resize(ref _args, _args.Length * 2);
            }

            _args[_argCount++] = (dataAt, (int)length);
        }

        consumed = pos;
        return ParseStatus.Complete;
    }

    /// <summary>Reads the digits after a '*' or '$' up to CRLF.</summary>
    private static ParseStatus TryReadNumber(ReadOnlySpan<byte> input, ref int pos, out long value, out int problemAt, out string? problem)
    {
        value = 0;
        problemAt = pos;
        problem = null;
        int digitsStart = pos;
        int i = pos;
        while (i < input.Length && input[i] != (byte)'\r')
        {
            if (!char.IsAsciiDigit((char)input[i]) && !(i == digitsStart && input[i] == (byte)'-'))
            {
                problemAt = i;
                problem = $"expected a digit, found {Describe(input[i])}";
                return ParseStatus.Invalid;
            }

            if (i - digitsStart >= MaxNumberDigits)
            {
                problemAt = digitsStart;
                problem = "a length with too many digits";
                return ParseStatus.Invalid;
            }

            i++;
        }

        if (i + 1 >= input.Length)
        {
            return ParseStatus.Incomplete;
        }

        if (input[i + 1] != (byte)'\n')
        {
            problemAt = i + 1;
            problem = "a CR not followed by LF";
            return ParseStatus.Invalid;
        }

        if (!Utf8Parser.TryParse(input[digitsStart..i], out value, out int used) || used != i - digitsStart)
        {
            problemAt = digitsStart;
            problem = "a length that is not a number";
            return ParseStatus.Invalid;
        }

        pos = i + 2;
        return ParseStatus.Complete;
    }

    private ReadOnlySpan<byte> Arg(ReadOnlySpan<byte> record, int index) =>
        record.Slice(_args[index].Start, _args[index].Length);

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> upper) =>
        System.Text.Ascii.EqualsIgnoreCase(a, upper);

    private static bool TryParseLong(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out int used) && used == text.Length;

    private static string Describe(byte b) =>
        b is >= 0x20 and < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";
}
