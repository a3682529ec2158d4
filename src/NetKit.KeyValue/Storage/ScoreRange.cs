namespace NetKit.KeyValue;

/// <summary>A score interval as ZRANGEBYSCORE takes it: each end inclusive or, after "(", exclusive.</summary>
internal readonly record struct ScoreRange(double Min, bool MinExclusive, double Max, bool MaxExclusive)
{
    public bool AboveMin(double score) => MinExclusive ? score > Min : score >= Min;

    public bool BelowMax(double score) => MaxExclusive ? score < Max : score <= Max;

    /// <summary>No score can be in it (Redis's zslIsInRange's first test).</summary>
    public bool IsEmpty => Min > Max || (Min == Max && (MinExclusive || MaxExclusive));
}
