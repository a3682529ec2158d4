using System.Diagnostics.CodeAnalysis;

namespace NetKit.KeyValue.Persistence;

/// <summary>The names of <see cref="FsyncPolicy"/> as <c>--fsync</c>, CONFIG and INFO spell them (Redis's).</summary>
public static class FsyncPolicyNames
{
    public const string Always = "always";
    public const string EverySecond = "everysec";
    public const string No = "no";

    public static string ToName(this FsyncPolicy policy) => policy switch
    {
        FsyncPolicy.Always => Always,
        FsyncPolicy.EverySecond => EverySecond,
        FsyncPolicy.No => No,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>Parses <c>always</c>, <c>everysec</c> or <c>no</c>, ignoring case.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out FsyncPolicy policy)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case Always:
                policy = FsyncPolicy.Always;
                return true;
            case EverySecond:
                policy = FsyncPolicy.EverySecond;
                return true;
            case No:
                policy = FsyncPolicy.No;
                return true;
            default:
                policy = default;
                return false;
        }
    }

    /// <exception cref="FormatException">Not one of the three names.</exception>
    public static FsyncPolicy Parse(string text) =>
        TryParse(text, out var policy)
            ? policy
            : throw new FormatException($"'{text}' is not an fsync policy: use always, everysec or no");
}
