namespace NetKit.Protocols;

/// <summary>What <see cref="LineFramer.TryReadLine"/> found at the reader's position.</summary>
public enum LineReadResult
{
    /// <summary>No complete line yet: keep the rest unconsumed and wait for more input.</summary>
    NeedMoreData,

    /// <summary>A complete line (or, at end of stream, the unterminated final one).</summary>
    Line,

    /// <summary>The line exceeds the limit, possibly before its newline has even arrived.</summary>
    TooLong,
}
