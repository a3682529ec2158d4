using System.Numerics;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// The x87 80-bit extended float that Redis's INCRBYFLOAT and HINCRBYFLOAT compute in (C's <c>long double</c>
/// on x86-64): a 64-bit significand and a 15-bit exponent, each result rounded to nearest, ties to even. .NET
/// has no such type, and a double or a decimal sum shows different digits from Redis's once <c>%.17Lf</c>
/// prints them (1234567.1 + 0.1 is 1234567.20000000000004547 there), so the three steps Redis takes
/// — <c>strtold</c>, one addition, <c>%.17Lf</c> — are done here exactly, with big integers: each value is
/// <see cref="Significand"/> × 2^<see cref="Exponent"/>. Not a hot path: a few hundred nanoseconds a call.
/// </summary>
internal readonly struct LongDouble
{
    private const int Bits = 64;
    /// <summary>The smallest exponent of the significand's last bit: denormals are multiples of 2^-16445.</summary>
    private const int MinExponent = -16382 - (Bits - 1);
    /// <summary>The largest: a value at or beyond 2^16384 is infinite.</summary>
    private const int MaxExponent = 16383 - (Bits - 1);

    private LongDouble(bool negative, ulong significand, int exponent, bool infinite = false)
    {
        Negative = negative;
        Significand = significand;
        Exponent = exponent;
        IsInfinity = infinite;
    }

    public bool Negative { get; }

    public ulong Significand { get; }

    public int Exponent { get; }

    public bool IsInfinity { get; }

    public static LongDouble Zero => default;

    public static LongDouble FromInteger(long value) =>
        Round(value < 0, BigInteger.Abs(value), BigInteger.One, 0);

    /// <summary>a + b, rounded once, as the FPU does it.</summary>
    public static LongDouble operator +(LongDouble a, LongDouble b)
    {
        if (a.IsInfinity || b.IsInfinity)
        {
            // inf + -inf is NaN: either way the caller refuses the result.
            return new LongDouble(a.IsInfinity ? a.Negative : b.Negative, 0, 0, infinite: true);
        }

        int low = Math.Min(a.Exponent, b.Exponent);
        BigInteger sum = Signed(a, low) + Signed(b, low);
        if (sum.IsZero)
        {
            // Round to nearest: x + -x is +0, and -0 + -0 stays -0.
            return new LongDouble(a.Negative && b.Negative, 0, 0);
        }

        return Round(sum.Sign < 0, BigInteger.Abs(sum), BigInteger.One, low);

        static BigInteger Signed(LongDouble x, int low)
        {
            var magnitude = new BigInteger(x.Significand) << (x.Exponent - low);
            return x.Negative ? -magnitude : magnitude;
        }
    }

    /// <summary>
    /// Redis's <c>string2ld</c>: glibc's <c>strtold</c> over the whole text — an optional sign, then decimal
    /// digits with an optional point and exponent, hexadecimal ones (<c>0x1.8p3</c>), or inf / infinity — with
    /// no leading space, nothing left over, no NaN, and neither an overflow nor an underflow to zero.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out LongDouble value)
    {
        value = default;
        if (text.IsEmpty || text.Length >= 5 * 1024)
        {
            return false;
        }

        int i = 0;
        bool negative = text[0] == (byte)'-';
        if (text[0] is (byte)'+' or (byte)'-')
        {
            i++;
        }

        var rest = text[i..];
        if (Ascii.EqualsIgnoreCase(rest, "inf"u8) || Ascii.EqualsIgnoreCase(rest, "infinity"u8))
        {
            value = new LongDouble(negative, 0, 0, infinite: true);
            return true;
        }

        bool hex = rest.Length > 2 && rest[0] == (byte)'0' && (rest[1] | 0x20) == (byte)'x' && IsDigit(rest[2], 16)
            || rest.Length > 3 && rest[0] == (byte)'0' && (rest[1] | 0x20) == (byte)'x' && rest[2] == (byte)'.' && IsDigit(rest[3], 16);
        int radix = hex ? 16 : 10;
        if (hex)
        {
            i += 2;
        }

        BigInteger digits = BigInteger.Zero;
        int count = 0;
        long scale = 0;
        bool point = false;
        for (; i < text.Length; i++)
        {
            byte c = text[i];
            if (c == (byte)'.' && !point)
            {
                point = true;
            }
            else if (IsDigit(c, radix))
            {
                digits = digits * radix + DigitValue(c);
                count++;
                scale -= point ? 1 : 0;
            }
            else
            {
                break;
            }
        }

        if (count == 0)
        {
            return false;
        }

        long exponent = 0;
        if (i < text.Length && (text[i] | 0x20) == (hex ? (byte)'p' : (byte)'e'))
        {
            int j = i + 1;
            bool negativeExponent = j < text.Length && text[j] == (byte)'-';
            if (j < text.Length && text[j] is (byte)'+' or (byte)'-')
            {
                j++;
            }

            if (j == text.Length || !IsDigit(text[j], 10))
            {
                return false; // strtold would stop before the 'e', leaving text over
            }

            for (; j < text.Length && IsDigit(text[j], 10); j++)
            {
                // Saturates well beyond any exponent that could still give a finite, non-zero value.
                exponent = Math.Min(exponent * 10 + (text[j] - '0'), 1_000_000);
            }

            exponent = negativeExponent ? -exponent : exponent;
            i = j;
        }

        if (i != text.Length)
        {
            return false;
        }

        if (digits.IsZero)
        {
            value = new LongDouble(negative, 0, 0);
            return true;
        }

        if (hex)
        {
            // Each hexadecimal digit after the point is 4 bits; the exponent counts bits.
            value = Round(negative, digits, BigInteger.One, (int)Math.Clamp(exponent + 4 * scale, -100_000, 100_000));
        }
        else
        {
            long power = exponent + scale;
            long magnitude = count + power; // the value is below 10^magnitude and at least 10^(magnitude-1)
            if (magnitude > 4934)
            {
                return false; // overflow: ERANGE with HUGE_VALL
            }

            if (magnitude < -4952)
            {
                return false; // underflow to zero: ERANGE with 0
            }

            value = power >= 0
                ? Round(negative, digits * BigInteger.Pow(10, (int)power), BigInteger.One, 0)
                : Round(negative, digits, BigInteger.Pow(10, (int)-power), 0);
        }

        return !value.IsInfinity && value.Significand != 0;
    }

    /// <summary>Redis's <c>ld2string(LD_STR_HUMAN)</c>: <c>%.17Lf</c> rounded exactly (ties to even, as
    /// glibc prints), trailing decimal zeros and a bare point dropped, and "-0" written "0".</summary>
    public string Format()
    {
        BigInteger scaled = new BigInteger(Significand) * BigInteger.Pow(10, 17);
        BigInteger units = Exponent >= 0 ? scaled << Exponent : RoundHalfEven(scaled, BigInteger.One << -Exponent);
        string digits = units.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(18, '0');
        string text = digits[..^17] + "." + digits[^17..];
        text = text.TrimEnd('0').TrimEnd('.');
        return Negative && text != "0" ? "-" + text : text;
    }

    /// <summary>The value of <paramref name="numerator"/> / <paramref name="denominator"/> × 2^<paramref name="binaryExponent"/>
    /// (numerator positive) rounded to 64 significant bits, or to a denormal, or infinite beyond the range.</summary>
    private static LongDouble Round(bool negative, BigInteger numerator, BigInteger denominator, int binaryExponent)
    {
        if (numerator.IsZero)
        {
            return new LongDouble(negative, 0, 0);
        }

        // Pick e so that numerator / denominator / 2^(e - binaryExponent) has 64 bits before rounding.
        long e = numerator.GetBitLength() - denominator.GetBitLength() - Bits + binaryExponent;
        BigInteger quotient = Quotient(numerator, denominator, e - binaryExponent);
        if (quotient.GetBitLength() > Bits)
        {
            e++;
        }
        else if (quotient.GetBitLength() < Bits)
        {
            e--;
        }

        e = Math.Max(e, MinExponent);
        BigInteger significand = RoundedQuotient(numerator, denominator, e - binaryExponent);
        if (significand.GetBitLength() > Bits)
        {
            // Rounding carried into a 65th bit: 2^64 exactly, which halves without loss.
            significand >>= 1;
            e++;
        }

        if (e > MaxExponent)
        {
            return new LongDouble(negative, 0, 0, infinite: true);
        }

        return new LongDouble(negative, (ulong)significand, (int)e);
    }

    private static BigInteger Quotient(BigInteger numerator, BigInteger denominator, long shift) =>
        shift >= 0 ? numerator / (denominator << (int)shift) : (numerator << (int)-shift) / denominator;

    private static BigInteger RoundedQuotient(BigInteger numerator, BigInteger denominator, long shift) =>
        shift >= 0 ? RoundHalfEven(numerator, denominator << (int)shift) : RoundHalfEven(numerator << (int)-shift, denominator);

    private static BigInteger RoundHalfEven(BigInteger numerator, BigInteger denominator)
    {
        BigInteger quotient = BigInteger.DivRem(numerator, denominator, out BigInteger remainder);
        int half = (remainder << 1).CompareTo(denominator);
        return half > 0 || (half == 0 && !quotient.IsEven) ? quotient + 1 : quotient;
    }

    private static bool IsDigit(byte c, int radix) =>
        c is >= (byte)'0' and <= (byte)'9' || (radix == 16 && (c | 0x20) is >= (byte)'a' and <= (byte)'f');

    private static int DigitValue(byte c) => c <= (byte)'9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
