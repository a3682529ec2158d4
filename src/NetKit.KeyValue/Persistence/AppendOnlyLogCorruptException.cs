namespace NetKit.KeyValue.Persistence;

/// <summary>
/// The append-only log is damaged before its end, so replaying it would silently lose or invent data.
/// Not thrown for a torn final record (a crash mid-write), which is cut off with a warning instead.
/// </summary>
public sealed class AppendOnlyLogCorruptException : Exception
{
    public AppendOnlyLogCorruptException(string path, long offset, string problem)
        : base($"{System.IO.Path.GetFileName(path)} is damaged at byte {offset}: {problem}; start with --repair-log to truncate it there (losing what follows)")
    {
        Path = path;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>Where the damaged record starts: everything before it is intact, and a repair truncates here.</summary>
    public long Offset { get; }

    /// <summary>What is wrong there, in words.</summary>
    public string Problem { get; }
}
