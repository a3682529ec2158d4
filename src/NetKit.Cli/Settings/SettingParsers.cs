using System.Globalization;
using NetKit.Configuration;
using NetKit.Connections;
using NetKit.KeyValue.Persistence;
using NetKit.Transport;

namespace NetKit.Cli.Settings;

/// <summary>The parsers settings share, each with the one-line reason a value is refused.</summary>
public static class SettingParsers
{
    /// <summary>The longest timeout accepted: far beyond any use, well within what a timer can hold.</summary>
    public const double MaxSeconds = 86_400;

    public static bool NonNegativeInt(string text, out int value, out string error)
    {
        error = "expected a whole number from 0 up";
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static SettingParser<int> IntRange(int min, int max, string what) =>
        (string text, out int value, out string error) =>
        {
            error = $"expected {what} from {min} to {max}";
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
        };

    public static bool Seconds(string text, out double value, out string error)
    {
        error = $"expected seconds from 0 to {MaxSeconds}";
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            && value >= 0 && value <= MaxSeconds;
    }

    public static bool BytesPerSecond(string text, out double value, out string error)
    {
        error = "expected bytes per second from 0 up";
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && value >= 0;
    }

    public static bool Flag(string text, out bool value, out string error)
    {
        error = "expected true or false";
        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "on" or "1":
                value = true;
                return true;
            case "false" or "no" or "off" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Any text but an empty one (a directory, a file, a password).</summary>
    public static SettingParser<string> NonEmpty(string what) =>
        (string text, out string value, out string error) =>
        {
            value = text;
            error = $"expected {what}";
            return text.Length > 0;
        };

    public static bool Any(string text, out string value, out string error)
    {
        value = text;
        error = string.Empty;
        return true;
    }

    public static bool Model(string text, out ConnectionModel value, out string error)
    {
        error = "expected async, threads or epoll";
        value = ConnectionModels.Default;
        switch (text.ToLowerInvariant())
        {
            case "async":
                value = ConnectionModel.Async;
                return true;
            case "threads":
                value = ConnectionModel.Threads;
                return true;
            case "epoll" when OperatingSystem.IsLinux():
                value = ConnectionModel.Epoll;
                return true;
            case "epoll":
                error = "the epoll model needs Linux; use async or threads here";
                return false;
            default:
                return false;
        }
    }

    public static string ModelName(ConnectionModel model) => model.ToString().ToLowerInvariant();

    /// <summary>
    /// Redis's <c>client-output-buffer-limit</c>: <c>HARD SOFT SECONDS</c> for ordinary clients, or Redis's
    /// <c>CLASS HARD SOFT SECONDS</c> groups (normal, replica, pubsub), the classes not given keeping their defaults.
    /// </summary>
    public static bool OutputLimits(string text, out ClientOutputLimits value, out string error)
    {
        if (ClientOutputLimits.TryParse(text, ClientOutputLimits.Default, allowShortForm: true, out value, out string? reason))
        {
            error = string.Empty;
            return true;
        }

        error = $"{reason} Expected \"HARD SOFT SECONDS\" or Redis's \"CLASS HARD SOFT SECONDS ...\" (classes normal, replica, pubsub), " +
                "sizes in bytes or with a unit (e.g. \"normal 0 1mb 60 pubsub 32mb 8mb 60\")";
        return false;
    }

    public static string Format(OutputBufferLimit limit) =>
        $"{ByteSize.Format(limit.HardBytes)} {ByteSize.Format(limit.SoftBytes)} {(long)limit.SoftTime.TotalSeconds}";

    /// <summary>The normal and pubsub classes, as a redis.conf would write them.</summary>
    public static string Format(ClientOutputLimits limits) => $"normal {Format(limits.Normal)} pubsub {Format(limits.Subscriber)}";

    public static SettingParser<long> Bytes(long min, long max) =>
        (string text, out long value, out string error) =>
        {
            string range = max == long.MaxValue ? $"from {min} up" : $"from {min} to {ByteSize.Format(max)}";
            error = $"expected bytes {range}, optionally with a unit (k, kb, m, mb, g, gb)";
            return ByteSize.TryParse(text.AsSpan().Trim(), out value) && value >= min && value <= max;
        };

    /// <summary>Permission bits in octal, as chmod and Redis's unixsocketperm take them: <c>700</c>, <c>0770</c>.</summary>
    public static bool FileMode(string text, out UnixFileMode value, out string error)
    {
        // 0 would leave the socket to root alone: refused as the slip it surely is.
        error = "expected permissions in octal from 1 to 777 (e.g. 700 or 770)";
        value = default;
        string digits = text.TrimStart('0');
        if (text.Length is 0 or > 4 || digits.Length is 0 or > 3 || !text.All(c => c is >= '0' and <= '7'))
        {
            return false;
        }

        value = (UnixFileMode)Convert.ToInt32(digits, 8);
        return true;
    }

    public static bool Fsync(string text, out FsyncPolicy value, out string error)
    {
        error = "expected always, everysec or no";
        return FsyncPolicyNames.TryParse(text, out value);
    }

    public static bool InlineReplies(string text, out string value, out string error)
    {
        error = "expected text or resp";
        value = text.ToLowerInvariant();
        return value is "text" or "resp";
    }

    /// <summary>Redis's notify-keyspace-events letters, kept as given (CONFIG GET shows their canonical form).</summary>
    public static bool KeyspaceEvents(string text, out string value, out string error)
    {
        error = "expected Redis's event classes, letters of Ag$lshzxeKEtmdn (KEA: every event on both channels)";
        value = text;
        return NetKit.KeyValue.KeyspaceEvents.TryParse(text, out _);
    }

    public static SettingParser<HostPort> Address(int defaultPort) =>
        (string text, out HostPort value, out string error) =>
        {
            // A malformed address (or a port out of range) is a usage error, caught before any network work;
            // a well-formed one that names nothing usable fails later with exit 9 (bad address).
            error = text.StartsWith(HostPort.UnixPrefix, StringComparison.Ordinal)
                ? "expected unix:PATH with a path of 1 to 107 bytes"
                : "expected HOST:PORT with a port from 0 to 65535, or unix:PATH";
            return HostPort.TryParse(text, defaultPort, HostPort.DefaultHost, out value) && text.Length > 0;
        };
}
