using System.Globalization;

namespace NetKit.Cli.Commands;

/// <summary>
/// Byte counts as Redis's configuration writes them, so a value copied from a redis.conf means the same
/// here: <c>1k</c> is 1,000 and <c>1kb</c> 1,024 (likewise m/mb, g/gb), case ignored; a bare number is bytes.
/// </summary>
public static class ByteSize
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string trimmed = text.Trim().ToLowerInvariant();
        int digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits]))
        {
            digits++;
        }

        long unit = trimmed[digits..] switch
        {
            "" or "b" => 1,
            "k" => 1_000,
            "kb" => 1L << 10,
            "m" => 1_000_000,
            "mb" => 1L << 20,
            "g" => 1_000_000_000,
            "gb" => 1L << 30,
            _ => 0,
        };
        if (digits == 0 || unit == 0
            || !long.TryParse(trimmed.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out long number)
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
        foreach (var (unit, suffix) in new[] { (1L << 30, "gb"), (1L << 20, "mb"), (1L << 10, "kb") })
        {
            if (bytes != 0 && bytes % unit == 0)
            {
                return (bytes / unit).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
