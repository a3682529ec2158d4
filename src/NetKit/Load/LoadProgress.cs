namespace NetKit.Load;

/// <summary>A once-a-second view of a run in progress, for a live progress line.</summary>
/// <param name="Elapsed">Since load started (warm-up included).</param>
/// <param name="Phase"><c>warm-up</c>, <c>measuring</c>, or <c>drain</c> (waiting for replies in flight after the end).</param>
/// <param name="Completed">Requests answered so far, warm-up included.</param>
/// <param name="RequestsPerSecond">Over the last interval.</param>
/// <param name="Errors">Failures so far.</param>
/// <param name="TimedOut">Requests timed out so far.</param>
/// <param name="ConnectionsLeft">Connections still running.</param>
public readonly record struct LoadProgress(
    TimeSpan Elapsed, string Phase, long Completed, double RequestsPerSecond, long Errors, long TimedOut, int ConnectionsLeft);
