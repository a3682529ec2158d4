using System.Globalization;

namespace NetKit.Connections;

/// <summary>
/// Redis's <c>client-output-buffer-limit</c> triple for one class of client: a connection whose unsent
/// output exceeds <see cref="HardBytes"/> is closed at once; one whose unsent output stays above
/// <see cref="SoftBytes"/> for longer than <see cref="SoftTime"/> is closed then. Zero turns a part off.
/// </summary>
/// <param name="HardBytes">Unsent output that closes the connection at once; 0 = none.</param>
/// <param name="SoftBytes">Unsent output that may last only <paramref name="SoftTime"/>; 0 = none.</param>
/// <param name="SoftTime">How long output may stay above <paramref name="SoftBytes"/>.</param>
public readonly record struct OutputBufferLimit(long HardBytes, long SoftBytes, TimeSpan SoftTime)
{
    /// <summary>
    /// No hard limit, so one large value can always be read back (Redis's normal class has none either);
    /// a peer that leaves more than 1 MiB unread for 60 s is closed, which Redis's normal class never does,
    /// because a client that stops reading would otherwise hold its replies for as long as it stays connected.
    /// </summary>
    public static OutputBufferLimit Default { get; } = new(0, 1024 * 1024, TimeSpan.FromSeconds(60));

    /// <summary>
    /// Redis's default for its <c>pubsub</c> class, 32 MiB at once or 8 MiB for 60 s: a subscriber that falls
    /// that far behind the messages published to it is cut, so it can never make the server hold without
    /// bound, nor slow the publishers down.
    /// </summary>
    public static OutputBufferLimit Subscriber { get; } = new(32 * 1024 * 1024, 8 * 1024 * 1024, TimeSpan.FromSeconds(60));

    /// <summary>Redis's default for its <c>replica</c> class (256 MiB, or 64 MiB for 60 s): kept for CONFIG GET;
    /// NetKit has no replicas.</summary>
    public static OutputBufferLimit Replica { get; } = new(256 * 1024 * 1024, 64 * 1024 * 1024, TimeSpan.FromSeconds(60));

    /// <summary>No limit at all (Redis's <c>normal 0 0 0</c>).</summary>
    public static OutputBufferLimit None { get; } = new(0, 0, TimeSpan.Zero);

    /// <summary>Whether <paramref name="unsent"/> bytes, unsent for <paramref name="unsentFor"/>, break the limit.</summary>
    public bool IsExceeded(long unsent, TimeSpan unsentFor) =>
        (HardBytes > 0 && unsent > HardBytes)
        || (SoftBytes > 0 && SoftTime > TimeSpan.Zero && unsent > SoftBytes && unsentFor > SoftTime);

    /// <summary>As Redis writes it: <c>HARD SOFT SECONDS</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{HardBytes} {SoftBytes} {(long)SoftTime.TotalSeconds}");
}
