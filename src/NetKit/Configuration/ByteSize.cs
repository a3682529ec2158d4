using System.Globalization;

namespace NetKit.Configuration;

/// <summary>
/// Byte counts as Redis's configuration writes them (its <c>memtoull</c>), so a value copied from a redis.conf
/// means the same on NetKit's command line, in its settings files and in kv's CONFIG SET: digits then an
/// optional unit, <c>k</c> = 1,000 and <c>kb</c> = 1,024 (likewise <c>m</c>/<c>mb</c>, <c>g</c>/<c>gb</c>),
/// <c>b</c> or none for bytes, the unit in any case. No sign, no spaces, no fraction: Redis takes none.
/// </summary>
public static class ByteSize
{
    public static bool TryParse(ReadOnlySpan<char> text, out long bytes)
    {
        bytes = 0;
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        long unit = Unit(text[digits..]);
        if (digits == 0 || unit == 0
            || !long.TryParse(text[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out long number)
            || number > long.MaxValue / unit)
        {
            return false;
        }

        bytes = number * unit;
        return true;
    }

    /// <summary>The shortest exact Redis spelling: 536870912 → <c>512mb</c>, 1500 → <c>1500</c>.</summary>
    public static string Format(long bytes)
    {
        foreach (var (unit, suffix) in (ReadOnlySpan<(long, string)>)[(1L << 30, "gb"), (1L << 20, "mb"), (1L << 10, "kb")])
        {
            if (bytes != 0 && bytes % unit == 0)
            {
                return (bytes / unit).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The multiplier a unit stands for; 0 for one Redis does not know.</summary>
    private static long Unit(ReadOnlySpan<char> unit) => unit.Length switch
    {
        0 => 1,
        1 => char.ToLowerInvariant(unit[0]) switch
        {
            'b' => 1,
            'k' => 1_000,
            'm' => 1_000_000,
            'g' => 1_000_000_000,
            _ => 0,
        },
        2 when unit[1] is 'b' or 'B' => char.ToLowerInvariant(unit[0]) switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            _ => 0,
        },
        _ => 0,
    };
}
