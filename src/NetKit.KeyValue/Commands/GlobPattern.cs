namespace NetKit.KeyValue;

/// <summary>
/// Glob-style matching as Redis's <c>stringmatchlen</c> (KEYS, SCAN MATCH): <c>*</c> any run of bytes,
/// <c>?</c> one byte, <c>[abc]</c>, <c>[^abc]</c>, <c>[a-z]</c> (ends in either order) and <c>\x</c> for a
/// literal <c>x</c>, on raw bytes, case-sensitive.
/// </summary>
/// <remarks>
/// Every element other than <c>*</c> consumes exactly one byte, so on a mismatch only the most recent
/// <c>*</c> needs to absorb one more byte: an earlier star absorbing more could only make the rest start
/// later, which the later star already covers. That keeps matching O(pattern × text) with no recursion —
/// a pattern such as <c>a*a*a*a*b</c> sent by a client cannot make the server backtrack exponentially
/// (Redis needed a fix for exactly that, CVE-2022-36021).
/// </remarks>
internal static class GlobPattern
{
    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text)
    {
        // As stringmatchlen: the empty string matches only the empty pattern (even "*" does not match it;
        // KEYS and SCAN treat a bare "*" as "everything" before matching).
        if (text.IsEmpty)
        {
            return pattern.IsEmpty;
        }

        int p = 0, t = 0;
        int starPattern = -1, starText = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == (byte)'*')
            {
                while (p + 1 < pattern.Length && pattern[p + 1] == (byte)'*')
                {
                    p++;
                }

                if (p + 1 == pattern.Length)
                {
                    return true;
                }

                starPattern = ++p;
                starText = t;
                continue;
            }

            if (p < pattern.Length && MatchOne(pattern, ref p, text[t]))
            {
                t++;
                continue;
            }

            if (starPattern < 0)
            {
                return false;
            }

            // Let the last star take one more byte and try the rest of the pattern from there.
            p = starPattern;
            t = ++starText;
        }

        while (p < pattern.Length && pattern[p] == (byte)'*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Matches the element at <paramref name="p"/> (not a star) against one byte and moves
    /// <paramref name="p"/> past the element, whether it matched or not.</summary>
    private static bool MatchOne(ReadOnlySpan<byte> pattern, ref int p, byte c)
    {
        byte first = pattern[p];
        if (first == (byte)'?')
        {
            p++;
            return true;
        }

        if (first == (byte)'[')
        {
            return MatchClass(pattern, ref p, c);
        }

        if (first == (byte)'\\' && p + 1 < pattern.Length)
        {
            p++;
        }

        return pattern[p++] == c;
    }

    private static bool MatchClass(ReadOnlySpan<byte> pattern, ref int p, byte c)
    {
        p++;
        bool negate = p < pattern.Length && pattern[p] == (byte)'^';
        if (negate)
        {
            p++;
        }

        bool match = false;
        while (true)
        {
            int left = pattern.Length - p;
            if (left == 0)
            {
                // Unterminated: as in Redis, the class simply ends with the pattern.
                break;
            }

            byte b = pattern[p];
            if (b == (byte)'\\' && left >= 2)
            {
                p++;
                match |= pattern[p] == c;
            }
            else if (b == (byte)']')
            {
                p++;
                break;
            }
            else if (left >= 3 && pattern[p + 1] == (byte)'-')
            {
                byte start = b, end = pattern[p + 2];
                if (start > end)
                {
                    (start, end) = (end, start);
                }

                match |= c >= start && c <= end;
                p += 2;
            }
            else
            {
                match |= b == c;
            }

            p++;
        }

        return match != negate;
    }
}
