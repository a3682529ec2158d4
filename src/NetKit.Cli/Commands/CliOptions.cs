using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NetKit.Cli.Settings;
using NetKit.Hosting;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>The options several commands share beyond the servers' settings (<see cref="TcpSettings"/>), built
/// the same way everywhere so a bad value gets the same one-line usage error (exit 2) whichever command it is
/// given to.</summary>
public static class CliOptions
{
    /// <summary>Given once on the root and inherited by every command.</summary>
    public static Option<LogLevel> LogLevel { get; } = CreateLogLevel();

    /// <summary>The servers' log lines: text (one line each) or the console logger's JSON, one object a line.</summary>
    public static Option<string> LogFormat { get; } = new("--log-format")
    {
        Description = "How servers write their log lines on stderr: text, or json (one JSON object a line)",
        DefaultValueFactory = _ => "text",
        CustomParser = result =>
        {
            string text = Token(result).ToLowerInvariant();
            if (text is not ("text" or "json"))
            {
                result.AddError($"invalid --log-format '{Token(result)}': expected text or json");
            }

            return text;
        },
        Recursive = true,
        HelpName = "text|json",
        CompletionSources = { "text", "json" },
    };

    /// <summary>Servers: where Prometheus scrapes the NetKit meter (docs/observability.md).</summary>
    public static Option<string?> MetricsBind { get; } = new("--metrics-bind")
    {
        Description = "Servers: serve Prometheus metrics at http://HOST:PORT/metrics and a /healthz (port 0 picks a free one)",
        CustomParser = result =>
        {
            string text = Token(result);
            if (!HostPort.TryParse(text, 9464, HostPort.DefaultHost, out _))
            {
                result.AddError($"invalid --metrics-bind '{text}': expected HOST:PORT with a port from 0 to 65535");
            }

            return text;
        },
        Recursive = true,
        HelpName = "host:port",
    };

    /// <summary>A server command's JSON configuration file (docs/configuration.md).</summary>
    public static Option<string?> Config() => new("--config")
    {
        Description = "Read settings from this JSON file, a section per service (Kv:MaxMemory, Echo:Bind...); NETKIT_ variables and options win over it",
        HelpName = "file",
    };

    public static Option<HostPort> Connect(ServiceDefinition service) => new("--connect")
    {
        Description = "Server address: HOST:PORT ([::1]:PORT for IPv6) or unix:PATH for a Unix socket",
        DefaultValueFactory = _ => new HostPort(HostPort.DefaultHost, service.DefaultPort),
        CustomParser = result => ParseHostPort(result, service.DefaultPort),
        HelpName = "host:port|unix:path",
    };

    /// <summary>TCP clients: one value for connect, read and write; without it, connect 2 s and read/write 5 s.</summary>
    public static Option<double?> TcpTimeout() => new("--timeout")
    {
        Description = "Seconds allowed for connecting, and for each read and write [default: connect 2, read/write 5]",
        CustomParser = result => ParseSeconds(result),
        HelpName = "seconds",
    };

    /// <summary>UDP clients: how long each try waits for the reply.</summary>
    public static Option<double> UdpTimeout() => new("--timeout")
    {
        Description = "Seconds to wait for the reply, per try (3 tries)",
        DefaultValueFactory = _ => 1,
        CustomParser = result => ParseSeconds(result) ?? 0,
        HelpName = "seconds",
    };

    /// <summary>Clients: print only what the server sent, without the words around it.</summary>
    public static Option<bool> Raw() => new("--raw")
    {
        Description = "Print only the reply itself, for scripts",
    };

    public static ClientOptions ToClientOptions(double? timeoutSeconds) =>
        timeoutSeconds is { } seconds ? ClientOptions.WithTimeout(TimeSpan.FromSeconds(seconds)) : ClientOptions.Default;

    private static Option<LogLevel> CreateLogLevel()
    {
        var option = new Option<LogLevel>("--log-level")
        {
            Description = "Least severe log level written to stderr: trace, debug, information, warning, error, critical, none [default: information]",
            CustomParser = ParseLogLevel,
            Recursive = true,
            HelpName = "level",
        };
        option.CompletionSources.Add("trace", "debug", "information", "warning", "error", "critical", "none");
        return option;
    }

    // Parsed here rather than checked by a validator: a validator that reads a value that failed to
    // convert throws instead of reporting, and the one-line usage error is the point.
    private static double? ParseSeconds(ArgumentResult result)
    {
        string text = Token(result);
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds)
            && seconds > 0 && seconds <= SettingParsers.MaxSeconds)
        {
            return seconds;
        }

        result.AddError($"invalid {OptionName(result)} '{text}': expected seconds above 0, at most {SettingParsers.MaxSeconds}");
        return null;
    }

    private static HostPort ParseHostPort(ArgumentResult result, int defaultPort)
    {
        string text = Token(result);
        if (SettingParsers.Address(defaultPort)(text, out var address, out string error))
        {
            return address;
        }

        result.AddError($"invalid {OptionName(result)} '{text}': {error}");
        return default;
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
