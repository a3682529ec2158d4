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

    /// <summary>The score as a bulk string reply.</summary>
    public static void Reply(ReplyWriter reply, double score)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        reply.Bulk(text[..Format(score, text)]);
    }

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
