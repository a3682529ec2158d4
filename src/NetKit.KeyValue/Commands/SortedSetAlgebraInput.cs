namespace NetKit.KeyValue;

/// <summary>
/// One input of ZUNION, ZINTER, ZDIFF and their STORE forms: a sorted set, a plain set (each member scored 1, as
/// Redis takes it), or nothing for a missing key, with the weight its scores are multiplied by.
/// </summary>
internal readonly struct SortedSetAlgebraInput(SortedSetValue? sorted, double weight, SetValue? set = null)
{
    public SortedSetValue? Sorted { get; } = sorted;

    public SetValue? Set { get; } = set;

    public double Weight { get; init; } = weight;

    public int Count => Sorted?.Count ?? Set?.Count ?? 0;

    /// <summary>A stored value as an input; false for a type the operations do not take (WRONGTYPE).</summary>
    public static bool TryFrom(object? value, out SortedSetAlgebraInput input)
    {
        switch (value)
        {
            case null:
                input = new SortedSetAlgebraInput(null, 1);
                return true;
            case SortedSetValue sorted:
                input = new SortedSetAlgebraInput(sorted, 1);
                return true;
            case SetValue set:
                input = new SortedSetAlgebraInput(null, 1, set);
                return true;
            default:
                input = default;
                return false;
        }
    }

    /// <summary>The member's weighted score (a NaN from 0 times infinity counts as 0, as in Redis).</summary>
    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (Sorted is not null && Sorted.TryGetScore(member, out double raw))
        {
            score = Weighted(raw);
            return true;
        }

        if (Set is not null && Set.Contains(member))
        {
            score = Weighted(1);
            return true;
        }

        score = 0;
        return false;
    }

    public IEnumerable<(byte[] Member, double Score)> Members
    {
        get
        {
            if (Set is not null)
            {
                foreach (byte[] member in Set.Members)
                {
                    yield return (member, Weighted(1));
                }

                yield break;
            }

            if (Sorted is null)
            {
                yield break;
            }

            foreach (var (member, score) in Sorted.Ascending)
            {
                yield return (member, Weighted(score));
            }
        }
    }

    private double Weighted(double score)
    {
        double weighted = score * Weight;
        return double.IsNaN(weighted) ? 0 : weighted;
    }
}
