using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using NetKit.Buffers;

namespace NetKit.KeyValue;

/// <summary>Strings as numbers: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, and the decimal and float parsing and formatting HINCRBY and HINCRBYFLOAT share.</summary>
internal static partial class StringCommands
{
    private static void Incr(ref CommandContext context) => IncrementBy(ref context, 1);

    private static void Decr(ref CommandContext context) => IncrementBy(ref context, -1);

    private static void IncrBy(ref CommandContext context)
    {
        if (context.TryInteger(2, out long increment))
        {
            IncrementBy(ref context, increment);
        }
    }

    private static void DecrBy(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long decrement))
        {
            return;
        }

        if (decrement == long.MinValue)
        {
            context.Reply.Error("ERR decrement would overflow"u8);
            return;
        }

        IncrementBy(ref context, -decrement);
    }

    private static void IncrementBy(ref CommandContext context, long increment)
    {
        var store = context.Store;
        long result;
        lock (store.WriteLock)
        {
            long current = 0;
            if (store.TryGet(context[1], out byte[] value) && !CommandContext.TryParseInteger(value, out current))
            {
                context.Reply.Error("ERR value is not an integer or out of range"u8);
                return;
            }

            if (!context.TryIncrement(current, increment, out result))
            {
                return;
            }

            Span<byte> digits = stackalloc byte[24];
            Utf8Formatter.TryFormat(result, digits, out int n);
            store.SetLocked(context[1], digits[..n], expiresAtMs: -1);
        }

        context.Reply.Integer(result);
    }

    private static void IncrByFloat(ref CommandContext context)
    {
        var store = context.Store;
        Span<byte> text = stackalloc byte[FloatFormatCapacity];
        int length;
        lock (store.WriteLock)
        {
            double current = 0;
            if ((store.TryGet(context[1], out byte[] value) && !TryParseFloat(value, out current))
                || !TryParseFloat(context[2], out double increment))
            {
                context.Reply.Error("ERR value is not a valid float"u8);
                return;
            }

            double result = current + increment;
            if (!double.IsFinite(result))
            {
                context.Reply.Error("ERR increment would produce NaN or Infinity"u8);
                return;
            }

            // Redis adds in long double, so 0.1 + 0.2 gives "0.3" there; a double sum would give
            // 0.30000000000000004. Decimal arithmetic gives what Redis users see for every value of ordinary
            // size; doubles take over beyond decimal's range.
            length = TryAddDecimal(value, context[2], out decimal sum) ? FormatDecimal(sum, text) : FormatFloat(result, text);
            store.SetLocked(context[1], text[..length], expiresAtMs: -1);
        }

        context.Reply.Bulk(text[..length]);
    }

    internal static bool TryAddDecimal(ReadOnlySpan<byte> current, ReadOnlySpan<byte> increment, out decimal sum)
    {
        // Both below 1e27 in magnitude: the sum cannot overflow decimal's ~7.9e28.
        const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        const decimal Limit = 1e27m;
        sum = 0;
        decimal a = 0;
        if ((!current.IsEmpty && !decimal.TryParse(current, Style, CultureInfo.InvariantCulture, out a))
            || !decimal.TryParse(increment, Style, CultureInfo.InvariantCulture, out decimal b)
            || Math.Abs(a) >= Limit || Math.Abs(b) >= Limit)
        {
            return false;
        }

        // %.17Lf: at most 17 decimals.
        sum = decimal.Round(a + b, 17, MidpointRounding.ToEven);
        return true;
    }

    internal static int FormatDecimal(decimal value, Span<byte> destination)
    {
        // Decimal's own format never uses an exponent; it keeps the scale ("10.60"), which Finish trims.
        value.TryFormat(destination, out int n, default, CultureInfo.InvariantCulture);
        return Finish(destination, n);
    }

    /// <summary>A float as Redis's <c>strtold</c> accepts it: no surrounding spaces, "inf"/"infinity" in
    /// any case, never NaN.</summary>
    internal static bool TryParseFloat(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length >= MaxFloatChars)
        {
            return false;
        }

        ReadOnlySpan<byte> unsigned = text[0] is (byte)'+' or (byte)'-' ? text[1..] : text;
        if (Ascii.EqualsIgnoreCase(unsigned, "inf"u8) || Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = text[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        return double.TryParse(text, Style, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>
    /// Formats as INCRBYFLOAT replies: the shortest digits that round-trip, in plain notation (never an
    /// exponent: clients parse the value back as a plain number), rounded to at most 17 decimals as
    /// Redis's <c>%.17Lf</c>, without trailing zeros. 10.5 → "10.5", 3.0e3 → "3000", 1e20 → "100000000000000000000".
    /// </summary>
    internal static int FormatFloat(double value, Span<byte> destination)
    {
        if (value == 0)
        {
            destination[0] = (byte)'0';
            return 1;
        }

        // .NET's default format is the shortest round-trip one, but switches to "1E+20" for large and
        // small magnitudes: take its digits and exponent and place the decimal point ourselves.
        Span<byte> shortest = stackalloc byte[32];
        value.TryFormat(shortest, out int n, default, CultureInfo.InvariantCulture);
        shortest = shortest[..n];
        bool negative = shortest[0] == (byte)'-';
        if (negative)
        {
            shortest = shortest[1..];
        }

        int exponent = 0;
        int e = shortest.IndexOf((byte)'E');
        if (e >= 0)
        {
            Utf8Parser.TryParse(shortest[(e + 1)..], out exponent, out _);
            shortest = shortest[..e];
        }

        // The significant digits, and where the point falls among them (may be before the first or past the last).
        Span<byte> digitBuffer = stackalloc byte[32];
        int point = shortest.IndexOf((byte)'.');
        int pointAt = point < 0 ? shortest.Length : point;
        int count = 0;
        foreach (byte b in shortest)
        {
            if (b == (byte)'.')
            {
                continue;
            }

            if (count == 0 && b == (byte)'0')
            {
                pointAt--;
                continue;
            }

            digitBuffer[count++] = b;
        }

        while (count > 1 && digitBuffer[count - 1] == (byte)'0')
        {
            count--;
        }

        pointAt += exponent;
        ReadOnlySpan<byte> digits = digitBuffer[..count];

        int pos = 0;
        if (negative)
        {
            destination[pos++] = (byte)'-';
        }

        if (pointAt > 0)
        {
            if (digits.Length <= pointAt)
            {
                digits.CopyTo(destination[pos..]);
                pos += digits.Length;
                destination.Slice(pos, pointAt - digits.Length).Fill((byte)'0');
                return pos + pointAt - digits.Length;
            }

            // At most 17 significant digits with at least one before the point: never over 17 decimals.
            digits[..pointAt].CopyTo(destination[pos..]);
            pos += pointAt;
            destination[pos++] = (byte)'.';
            digits[pointAt..].CopyTo(destination[pos..]);
            return Finish(destination, pos + digits.Length - pointAt);
        }

        destination[pos++] = (byte)'0';
        int zeros = -pointAt;
        if (zeros > 17)
        {
            return Finish(destination, pos);
        }

        destination[pos++] = (byte)'.';
        destination.Slice(pos, zeros).Fill((byte)'0');
        pos += zeros;
        int room = 17 - zeros;
        if (digits.Length <= room)
        {
            digits.CopyTo(destination[pos..]);
            return Finish(destination, pos + digits.Length);
        }

        // Past the 17th decimal: round there, which may carry back through the zeros and into the "0".
        bool carry = digits[room] >= (byte)'5';
        digits[..room].CopyTo(destination[pos..]);
        pos += room;
        for (int i = pos - 1; i >= 0 && carry; i--)
        {
            byte b = destination[i];
            if (b is (byte)'.' or (byte)'-')
            {
                continue;
            }

            carry = b == (byte)'9';
            destination[i] = carry ? (byte)'0' : (byte)(b + 1);
        }

        return Finish(destination, pos);
    }

    /// <summary>Drops trailing decimal zeros and a bare point; "-0" becomes "0" as in Redis 7.</summary>
    private static int Finish(Span<byte> destination, int length)
    {
        if (destination[..length].IndexOf((byte)'.') >= 0)
        {
            while (destination[length - 1] == (byte)'0')
            {
                length--;
            }

            if (destination[length - 1] == (byte)'.')
            {
                length--;
            }
        }

        if (length == 2 && destination[0] == (byte)'-' && destination[1] == (byte)'0')
        {
            destination[0] = (byte)'0';
            length = 1;
        }

        return length;
    }
}
