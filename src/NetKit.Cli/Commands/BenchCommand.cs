using System.CommandLine;
using System.Globalization;
using NetKit.Load;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// <c>netkit bench echo|lines</c>: closed-loop load against a running server, reporting round trips/s and
/// per-request latency percentiles (each connection keeps one request in flight and times every one).
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Load a running server and report round trips/s and per-request latency.");
        bench.Subcommands.Add(CreateTarget("echo", LoadPayload.Echo, 7878,
            "Closed-loop load on an echo server: send SIZE bytes, wait for them to come back."));
        bench.Subcommands.Add(CreateTarget("lines", LoadPayload.Lines, 7879,
            "Closed-loop load on a lines server: send a SIZE-byte line, wait for its upper-cased reply."));
        return bench;
    }

    private static Command CreateTarget(string name, LoadPayload payload, int defaultPort, string description)
    {
        var connect = new Option<string>("--connect")
        {
            Description = "The server, HOST:PORT.",
            DefaultValueFactory = _ => $"{HostPort.DefaultHost}:{defaultPort}",
        };
        var connections = new Option<int>("--connections", "-c")
        {
            Description = "Connections, each with one request in flight.",
            DefaultValueFactory = _ => 100,
        };
        var duration = new Option<double>("--duration", "-d")
        {
            Description = "Seconds to measure, after the warm-up.",
            DefaultValueFactory = _ => 10,
        };
        var size = new Option<int>("--size", "-s")
        {
            Description = $"Bytes per request and per reply (1 to {LoadOptions.MaxMessageSize}; a line's \\n included).",
            DefaultValueFactory = _ => 64,
        };
        var warmup = new Option<double>("--warmup")
        {
            Description = "Seconds of load before measuring starts.",
            DefaultValueFactory = _ => 1,
        };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Connect timeout in seconds, per connection.",
            DefaultValueFactory = _ => 2,
        };

        var command = new Command(name, description) { connect, connections, duration, size, warmup, timeout };
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            LoadOptions options;
            try
            {
                options = new LoadOptions
                {
                    Target = HostPort.Parse(result.GetValue(connect), defaultPort),
                    Payload = payload,
                    Connections = result.GetValue(connections),
                    Duration = Seconds(result.GetValue(duration), "--duration"),
                    MessageSize = result.GetValue(size),
                    Warmup = Seconds(result.GetValue(warmup), "--warmup"),
                    ConnectTimeout = Seconds(result.GetValue(timeout), "--timeout"),
                };
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"netkit: bench {name}: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (NetKitException ex)
            {
                await Console.Error.WriteLineAsync($"netkit: {ex.Message}").ConfigureAwait(false);
                return ex.ExitCode;
            }

            LoadReport report = await LoadGenerator.RunAsync(options, cancellationToken).ConfigureAwait(false);
            return await PrintAsync(name, report).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> PrintAsync(string name, LoadReport report)
    {
        LoadOptions options = report.Options;
        if (report.ConnectionsOpened == 0)
        {
            string reason = report.FirstConnectError?.Message ?? $"cannot connect to {options.Target}";
            await Console.Error.WriteLineAsync($"netkit: {reason}").ConfigureAwait(false);
            return report.FirstConnectError?.ExitCode ?? ExitCodes.Failure;
        }

        string connectionCount = report.ConnectFailures == 0
            ? Text(report.ConnectionsOpened)
            : $"{Text(report.ConnectionsOpened)}/{Text(options.Connections)}";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} {options.Target}  connections={connectionCount} size={options.MessageSize}B duration={report.MeasuredSeconds:0.0}s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"round trips/s: {report.RoundTripsPerSecond:0}   p50: {report.P50Microseconds} us   p99: {report.P99Microseconds} us   " +
            $"p99.9: {report.P999Microseconds} us   max: {report.MaxMicroseconds} us   errors: {report.ConnectFailures + report.Errors}"));

        // Some connections failing is part of what a load test measures, so it is reported, not fatal.
        if (report.FirstConnectError is not null)
        {
            await Console.Error.WriteLineAsync(
                $"netkit: {report.ConnectFailures} of {options.Connections} connections could not be opened: {report.FirstConnectError.Message}")
                .ConfigureAwait(false);
        }

        if (report.FirstError is not null)
        {
            await Console.Error.WriteLineAsync(
                $"netkit: {report.Errors} connections failed during the run: {report.FirstError.Message}").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static TimeSpan Seconds(double seconds, string option)
    {
        // TimeSpan.FromSeconds throws its own, less helpful, exceptions for these.
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.FromDays(1).TotalSeconds)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{option} must be a number of seconds from 0 to 86400 (got {seconds})"));
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
