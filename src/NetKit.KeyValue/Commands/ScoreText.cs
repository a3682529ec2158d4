using System.Globalization;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// Sorted-set scores as text, as Redis 7.0 has them: read as strtod reads them (with "inf", "+inf", "-inf",
/// refusing NaN, spaces and anything left over), written as <c>%.17g</c> (so every double round-trips) with
/// "inf" and "-inf" for the infinities.
/// </summary>
internal static class ScoreText
{
    /// <summary>Long enough for any double in <c>%.17g</c>: sign, 17 digits, point, exponent.</summary>
    public const int MaxLength = 32;

    /// <summary>Redis's getDoubleFromObject: false for NaN, a value out of a double's range, or text that is not
    /// wholly a number.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 512 || IsSpace(text[0]))
        {
            return false;
        }

        ReadOnlySpan<byte> unsigned = text[0] is (byte)'+' or (byte)'-' ? text[1..] : text;
        if (Ascii.EqualsIgnoreCase(unsigned, "inf"u8) || Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = text[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (unsigned.Length > 2 && unsigned[0] == (byte)'0' && (unsigned[1] | 0x20) == (byte)'x')
        {
            return TryParseHex(unsigned[2..], text[0] == (byte)'-', out value);
        }

        // Digits, one point and an exponent only: .NET would also take "NaN", "Infinity", thousands and
        // trailing spaces, which strtod does not (or which Redis then refuses).
        const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (unsigned.IsEmpty || !(char.IsAsciiDigit((char)unsigned[0]) || unsigned[0] == (byte)'.')
            || !double.TryParse(text, Styles, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        // Overflow to an infinity, or underflow of a non-zero number to zero, is strtod's ERANGE: refused.
        return !double.IsInfinity(value) && (value != 0 || !HasNonZeroDigit(unsigned));
    }

    /// <summary>Writes <paramref name="score"/> as Redis's addReplyDouble does (RESP2), returning the length.</summary>
    public static int Format(double score, Span<byte> destination)
    {
        if (double.IsPositiveInfinity(score))
        {
            "inf"u8.CopyTo(destination);
            return 3;
        }

        if (double.IsNegativeInfinity(score))
        {
            "-inf"u8.CopyTo(destination);
            return 4;
        }

        // .NET's G17 picks fixed or scientific exactly as C's %.17g does, writing the exponent as "E+20".
        score.TryFormat(destination, out int written, "G17", CultureInfo.InvariantCulture);
        int e = destination[..written].IndexOf((byte)'E');
        if (e >= 0)
        {
            destination[e] = (byte)'e';
        }

        return written;
    }

    /// <summary>The score as Redis's addReplyDouble writes it: a bulk string in RESP2, a double in RESP3.</summary>
    public static void Reply(ReplyWriter reply, double score)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        reply.Double(text[..Format(score, text)]);
    }

    /// <summary>The score as a bulk string whatever the protocol (ZSCAN's, as Redis's SCAN replies are all strings).</summary>
    public static void ReplyText(ReplyWriter reply, double score)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        reply.Bulk(text[..Format(score, text)]);
    }

    /// <summary>strtod's hexadecimal form after its "0x": hex digits, perhaps a point and more, perhaps "p" and a
    /// binary exponent in decimal ("0x1p3" is 8, "0x1.8" is 1.5).</summary>
    private static bool TryParseHex(ReadOnlySpan<byte> text, bool negative, out double value)
    {
        value = 0;
        ulong mantissa = 0;
        int exponent = 0, digits = 0, at = 0;
        bool point = false;
        for (; at < text.Length && text[at] != (byte)'p' && text[at] != (byte)'P'; at++)
        {
            if (text[at] == (byte)'.' && !point)
            {
                point = true;
                continue;
            }

            int digit = HexDigit(text[at]);
            if (digit < 0)
            {
                return false;
            }

            digits++;
            if (mantissa >> 60 == 0)
            {
                mantissa = (mantissa << 4) | (uint)digit;
                exponent -= point ? 4 : 0;
            }
            else
            {
                // Past 60 bits the rest only moves the point (a double keeps 53 of them anyway).
                exponent += point ? 0 : 4;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (at < text.Length)
        {
            var power = text[(at + 1)..];
            if (power.IsEmpty || !int.TryParse(power, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int binary) || power[0] == (byte)'+' && power.Length == 1)
            {
                return false;
            }

            exponent = (int)Math.Clamp((long)exponent + binary, -5000, 5000);
        }

        value = Math.ScaleB(mantissa, exponent);
        value = negative ? -value : value;
        return !double.IsInfinity(value) && (value != 0 || mantissa == 0);
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static bool HasNonZeroDigit(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (b is (byte)'e' or (byte)'E')
            {
                return false;
            }

            if (b is >= (byte)'1' and <= (byte)'9')
            {
                return true;
            }
        }

        return false;
    }
}
