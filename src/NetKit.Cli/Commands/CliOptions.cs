using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NetKit.Connections;
using NetKit.Hosting;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>The options several commands share, built the same way everywhere so a bad value gets the
/// same one-line usage error (exit 2) whichever command it is given to.</summary>
public static class CliOptions
{
    /// <summary>The longest timeout accepted: far beyond any use, well within what a timer can hold.</summary>
    private const double MaxSeconds = 86_400;

    /// <summary>Given once on the root and inherited by every command.</summary>
    public static Option<LogLevel> LogLevel { get; } = new("--log-level")
    {
        Description = "Least severe log level written to stderr: trace, debug, information, warning, error, critical, none",
        DefaultValueFactory = _ => Microsoft.Extensions.Logging.LogLevel.Information,
        CustomParser = ParseLogLevel,
        Recursive = true,
        HelpName = "level",
    };

    public static Option<HostPort> Bind(ServiceDefinition service) => new("--bind")
    {
        Description = $"Address to listen on, HOST:PORT (port 0 picks a free one)",
        DefaultValueFactory = _ => new HostPort(HostPort.DefaultHost, service.DefaultPort),
        CustomParser = result => ParseHostPort(result, service.DefaultPort),
        HelpName = "host:port",
    };

    public static Option<HostPort> Connect(ServiceDefinition service, bool recursive = false) => new("--connect")
    {
        Description = "Server address, HOST:PORT",
        DefaultValueFactory = _ => new HostPort(HostPort.DefaultHost, service.DefaultPort),
        CustomParser = result => ParseHostPort(result, service.DefaultPort),
        HelpName = "host:port",
        Recursive = recursive,
    };

    /// <summary>TCP clients: one value for connect, read and write; without it, connect 2 s and read/write 5 s.</summary>
    public static Option<double?> TcpTimeout(bool recursive = false) => new("--timeout")
    {
        Description = "Seconds allowed for connecting, and for each read and write [default: connect 2, read/write 5]",
        CustomParser = result => ParseSeconds(result, allowZero: false),
        HelpName = "seconds",
        Recursive = recursive,
    };

    /// <summary>UDP clients: how long each try waits for the reply.</summary>
    public static Option<double> UdpTimeout() => new("--timeout")
    {
        Description = "Seconds to wait for the reply, per try (3 tries)",
        DefaultValueFactory = _ => 1,
        CustomParser = result => ParseSeconds(result, allowZero: false) ?? 0,
        HelpName = "seconds",
    };

    public static ClientOptions ToClientOptions(double? timeoutSeconds) =>
        timeoutSeconds is { } seconds ? ClientOptions.WithTimeout(TimeSpan.FromSeconds(seconds)) : ClientOptions.Default;

    public static Option<ConnectionModel> Model() => new("--model")
    {
        Description = "Connection model: epoll (Linux: one event loop per core; the default there), async (portable, few pool threads; the default elsewhere) or threads (one thread per connection)",
        DefaultValueFactory = _ => ConnectionModels.Default,
        CustomParser = ParseModel,
        HelpName = "async|threads|epoll",
    };

    public static Option<int> MaxConnections() => NonNegativeInt("--max-connections",
        "Connections served at once; more are closed at once (0 = no limit)", new ServiceSettings().MaxConnections);

    public static Option<int> MaxThreads() => NonNegativeInt("--max-threads",
        "threads model: connection threads at once; more wait in the backlog (0 = no cap)", 0);

    public static Option<int> EventLoops() => NonNegativeInt("--event-loops",
        "epoll model: event loops, each a thread (0 = one per processor; fewer leave cores to a load generator on the same machine)", 0);

    public static Option<double> IdleTimeout() => new("--idle-timeout")
    {
        Description = "Close a connection idle for this many seconds (0 = never)",
        DefaultValueFactory = _ => 0,
        CustomParser = result => ParseSeconds(result, allowZero: true) ?? 0,
        HelpName = "seconds",
    };

    /// <summary>Redis's <c>client-output-buffer-limit</c> for ordinary clients: <c>HARD SOFT SECONDS</c>.</summary>
    public static Option<OutputBufferLimit> OutputLimit() => new("--client-output-buffer-limit")
    {
        Description = "Unsent output per connection, as Redis's \"HARD SOFT SECONDS\": over HARD bytes the connection is closed at once, " +
                      "over SOFT bytes for SECONDS it is closed then (0 = off)",
        DefaultValueFactory = _ => OutputBufferLimit.Default,
        CustomParser = ParseOutputLimit,
        HelpName = "\"hard soft seconds\"",
    };

    public static Option<double> MinDataRate() => new("--min-data-rate")
    {
        Description = "Bytes per second a request in progress must arrive at once it has taken 5 s; slower connections are closed (0 = no minimum)",
        DefaultValueFactory = _ => new TcpServerOptions().MinRequestDataRate,
        CustomParser = result =>
        {
            string text = Token(result);
            if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double rate) && rate >= 0)
            {
                return rate;
            }

            result.AddError($"invalid --min-data-rate '{text}': expected bytes per second from 0 up");
            return 0;
        },
        HelpName = "bytes/s",
    };

    private static OutputBufferLimit ParseOutputLimit(ArgumentResult result)
    {
        string text = string.Join(' ', result.Tokens.Select(t => t.Value));
        var parts = text.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 4 && parts[0].Equals("normal", StringComparison.OrdinalIgnoreCase))
        {
            // Accepted as Redis writes it in redis.conf; normal is the only class a NetKit connection has.
            parts = parts[1..];
        }

        if (parts.Length == 3 && ByteSize.TryParse(parts[0], out long hard) && ByteSize.TryParse(parts[1], out long soft)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds <= MaxSeconds)
        {
            return new OutputBufferLimit(hard, soft, TimeSpan.FromSeconds(seconds));
        }

        result.AddError($"invalid --client-output-buffer-limit '{text}': expected \"HARD SOFT SECONDS\", sizes in bytes or with a unit (e.g. \"0 1mb 60\")");
        return OutputBufferLimit.Default;
    }

    private static Option<int> NonNegativeInt(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = Token(result);
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            {
                return value;
            }

            result.AddError($"invalid {OptionName(result)} '{text}': expected a whole number from 0 up");
            return 0;
        },
        HelpName = "n",
    };

    // Parsed here rather than checked by a validator: a validator that reads a value that failed to
    // convert throws instead of reporting, and the one-line usage error is the point.
    private static double? ParseSeconds(ArgumentResult result, bool allowZero)
    {
        string text = Token(result);
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds)
            && (allowZero ? seconds >= 0 : seconds > 0) && seconds <= MaxSeconds)
        {
            return seconds;
        }

        string range = allowZero ? $"from 0 to {MaxSeconds}" : $"above 0, at most {MaxSeconds}";
        result.AddError($"invalid {OptionName(result)} '{text}': expected seconds {range}");
        return null;
    }

    private static HostPort ParseHostPort(ArgumentResult result, int defaultPort)
    {
        string text = Token(result);
        if (HostPort.TryParse(text, defaultPort, HostPort.DefaultHost, out var address))
        {
            return address;
        }

        // A malformed address (or a port out of range) is a usage error, caught before any network work;
        // a well-formed one that names nothing usable fails later with exit 9 (bad address).
        result.AddError($"invalid address '{text}': expected HOST:PORT with a port from 0 to 65535");
        return default;
    }

    private static ConnectionModel ParseModel(ArgumentResult result)
    {
        string text = Token(result);
        switch (text.ToLowerInvariant())
        {
            case "async":
                return ConnectionModel.Async;
            case "threads":
                return ConnectionModel.Threads;
            case "epoll" when OperatingSystem.IsLinux():
                return ConnectionModel.Epoll;
            case "epoll":
                result.AddError("invalid --model 'epoll': the epoll model needs Linux; use async or threads here");
                return default;
            default:
                result.AddError($"invalid --model '{text}': expected async, threads or epoll");
                return default;
        }
    }

    private static LogLevel ParseLogLevel(ArgumentResult result)
    {
        string text = Token(result);
        // Enum.TryParse would also take numbers, and "warn"/"info" are what people type.
        switch (text.ToLowerInvariant())
        {
            case "trace": return Microsoft.Extensions.Logging.LogLevel.Trace;
            case "debug": return Microsoft.Extensions.Logging.LogLevel.Debug;
            case "information" or "info": return Microsoft.Extensions.Logging.LogLevel.Information;
            case "warning" or "warn": return Microsoft.Extensions.Logging.LogLevel.Warning;
            case "error": return Microsoft.Extensions.Logging.LogLevel.Error;
            case "critical": return Microsoft.Extensions.Logging.LogLevel.Critical;
            case "none": return Microsoft.Extensions.Logging.LogLevel.None;
            default:
                result.AddError($"invalid --log-level '{text}': expected trace, debug, information, warning, error, critical or none");
                return default;
        }
    }

    private static string Token(ArgumentResult result) =>
        result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;

    private static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
