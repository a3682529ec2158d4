namespace NetKit.KeyValue.Persistence;

/// <summary>How far an append-only log is intact, and what follows if not all of it is.</summary>
internal readonly record struct ReplayOutcome(long IntactLength, bool IsTorn, string? Problem)
{
    public bool IsIntact => !IsTorn && Problem is null;

    public static ReplayOutcome Intact(long length) => new(length, false, null);

    public static ReplayOutcome Torn(long recordOffset) => new(recordOffset, true, null);

    public static ReplayOutcome Damaged(long recordOffset, string problem) => new(recordOffset, false, problem);
}
