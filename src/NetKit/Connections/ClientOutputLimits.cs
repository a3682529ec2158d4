using NetKit.Configuration;

namespace NetKit.Connections;

/// <summary>
/// Redis's <c>client-output-buffer-limit</c> as a whole: one <see cref="OutputBufferLimit"/> per class of client.
/// A NetKit connection is <see cref="Normal"/>, or <see cref="Subscriber"/> while its core lives on pushed output
/// (<see cref="ConnectionOutbox.Subscriber"/>); <see cref="Replica"/> is kept so Redis's own settings read back.
/// </summary>
public sealed record ClientOutputLimits(OutputBufferLimit Normal, OutputBufferLimit Replica, OutputBufferLimit Subscriber)
{
    public static ClientOutputLimits Default { get; } =
        new(OutputBufferLimit.Default, OutputBufferLimit.Replica, OutputBufferLimit.Subscriber);

    /// <summary>
    /// Parses <paramref name="text"/> as Redis does, over <paramref name="current"/>: groups of
    /// <c>CLASS HARD SOFT SECONDS</c>, the class <c>normal</c>, <c>replica</c> (or <c>slave</c>) or <c>pubsub</c>,
    /// each group replacing its class and the others left as they are; every group is checked before any
    /// applies. Sizes are Redis's (<see cref="ByteSize"/>).
    /// </summary>
    /// <param name="allowShortForm">Also take NetKit's own short form, <c>HARD SOFT SECONDS</c> alone, for the
    /// normal class (the command line's); CONFIG SET takes Redis's form only, as Redis does.</param>
    /// <param name="error">Redis's reason, when the text is refused.</param>
    public static bool TryParse(string text, ClientOutputLimits current, bool allowShortForm, out ClientOutputLimits limits, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(current);
        limits = current;
        error = null;
        var parts = text.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 3 && allowShortForm)
        {
            parts = ["normal", .. parts];
        }

        if (parts.Length % 4 != 0)
        {
            error = "Wrong number of arguments in buffer limit configuration.";
            return false;
        }

        var result = current;
        for (int i = 0; i < parts.Length; i += 4)
        {
            if (!TryClass(parts[i], out int which))
            {
                error = "Invalid client class specified in buffer limit configuration.";
                return false;
            }

            if (!ByteSize.TryParse(parts[i + 1], out long hard) || !ByteSize.TryParse(parts[i + 2], out long soft)
                // Redis reads the seconds with memtoull too: "1k" seconds is 1,000 of them.
                || !ByteSize.TryParse(parts[i + 3], out long seconds)
                || seconds > (long)TimeSpan.MaxValue.TotalSeconds)
            {
                error = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
                return false;
            }

            var limit = new OutputBufferLimit(hard, soft, TimeSpan.FromSeconds(seconds));
            result = which switch
            {
                0 => result with { Normal = limit },
                1 => result with { Replica = limit },
                _ => result with { Subscriber = limit },
            };
        }

        limits = result;
        return true;
    }

    /// <summary>As Redis's CONFIG GET writes it: <c>normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60</c>.</summary>
    public override string ToString() => $"normal {Normal} slave {Replica} pubsub {Subscriber}";

    private static bool TryClass(string name, out int which)
    {
        which = name.ToLowerInvariant() switch
        {
            "normal" => 0,
            "replica" or "slave" => 1,
            "pubsub" => 2,
            _ => -1,
        };
        return which >= 0;
    }
}
