namespace NetKit.Cli;

/// <summary>"did you mean ...?" for a mistyped command, option, service or setting: the closest candidate
/// within a few edits (case ignored), or one the word starts.</summary>
public static class Suggestion
{
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        string lower = word.ToLowerInvariant();
        foreach (string candidate in candidates.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            string other = candidate.ToLowerInvariant();
            // A prefix of a longer word ("serv" of "serve") counts as one edit, whatever its length.
            int distance = other.StartsWith(lower, StringComparison.Ordinal) && lower.Length >= 2 ? 1 : Distance(lower, other);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // Up to a third of the word may be wrong: "sevre" finds serve, "x" finds nothing.
        return best is not null && bestDistance <= Math.Max(1, word.Length / 3) ? best : null;
    }

    /// <summary>" (did you mean 'serve'?)", or empty.</summary>
    public static string DidYouMean(string word, IEnumerable<string> candidates) =>
        Closest(word, candidates) is { } closest ? $" (did you mean '{closest}'?)" : string.Empty;

    /// <summary>Edits (insert, delete, replace, swap of neighbours) between two words: optimal string alignment.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
