using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NetKit.Load;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// <c>netkit bench echo|lines|count|kv</c>: load on a running server (NetKit's or any that speaks the
/// protocol), reporting requests/s, per-request latency percentiles, errors and timeouts, and with
/// <c>--server-pid</c> the server's CPU time and requests per server CPU-second.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Load a running server and report requests/s, per-request latency and CPU time.");
        bench.Subcommands.Add(CreateTarget("echo", 7878,
            "Load an echo server: send SIZE bytes, check that the same bytes come back."));
        bench.Subcommands.Add(CreateTarget("lines", 7879,
            "Load a lines server: send a SIZE-byte line, check its upper-cased reply."));
        bench.Subcommands.Add(CreateTarget("count", 7880,
            "Load a count server: per request a connection of its own that sends SIZE bytes, half-closes, and checks the total."));
        bench.Subcommands.Add(CreateTarget("kv", 7881,
            "Load kv or redis-server with GET or SET (RESP by default, or kv's text protocol), every reply parsed."));
        bench.Subcommands.Add(BenchChartCommand.Create());
        return bench;
    }

    private static Command CreateTarget(string name, int defaultPort, string description)
    {
        var connect = new Option<string>("--connect")
        {
            Description = "The server, HOST:PORT.",
            DefaultValueFactory = _ => $"{HostPort.DefaultHost}:{defaultPort}",
        };
        var connections = new Option<int>("--connections", "-c")
        {
            Description = "Connections open at once.",
            DefaultValueFactory = _ => 100,
        };
        var duration = new Option<double>("--duration", "-d")
        {
            Description = "Seconds to measure, after the warm-up.",
            DefaultValueFactory = _ => 10,
        };
        var size = new Option<int>("--size", "-s")
        {
            Description = name == "kv"
                ? "Bytes per SET value."
                : $"Bytes per request (1 to {LoadOptions.MaxMessageSize}; a line's \\n included).",
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
        var requestTimeout = new Option<double>("--request-timeout")
        {
            Description = "Seconds a request may wait for its reply before it counts as timed out (its connection is closed).",
            DefaultValueFactory = _ => 5,
        };
        var pipeline = new Option<int>("--pipeline", "-P")
        {
            Description = $"Requests in flight per connection (1 to {LoadOptions.MaxPipeline}).",
            DefaultValueFactory = _ => 1,
        };
        var rate = new Option<double>("--rate")
        {
            Description = "Open loop: requests per second in all, due on a fixed schedule; latency is measured from " +
                          "when each was due. 0 = closed loop.",
            DefaultValueFactory = _ => 0,
        };
        var engine = new Option<string>("--engine")
        {
            Description = "auto (epoll on Linux), epoll (one thread for every connection), or async (portable).",
            DefaultValueFactory = _ => "auto",
        };
        engine.AcceptOnlyFromAmong("auto", "epoll", "async");
        var io = new Option<string>("--io")
        {
            Description = "epoll engine: send/recv through libc, or through Socket in non-blocking mode.",
            DefaultValueFactory = _ => "libc",
        };
        io.AcceptOnlyFromAmong("libc", "socket");
        var serverPid = new Option<int>("--server-pid")
        {
            Description = "Report this process's CPU time over the measured window, and requests per server CPU-second.",
        };
        var json = new Option<string?>("--json")
        {
            Description = "Also write results, options and environment to this file as JSON.",
            HelpName = "file",
        };
        var progress = new Option<bool>("--progress")
        {
            Description = "A progress line on stderr once a second even when stderr is not a terminal.",
        };
        var maxRequests = new Option<long>("--max-requests")
        {
            Description = "Stop after this many requests in all (warm-up included); 0 = no limit.",
        };
        var csv = new Option<bool>("--csv")
        {
            Description = "Print the results as CSV (a header and one row, the --json file's results) instead of the report.",
        };
        var label = new Option<string?>("--label")
        {
            Description = "What `netkit bench chart` calls this run (kept in --json and --csv); default: target and connections.",
            HelpName = "text",
        };

        var command = new Command(name, description)
        {
            connect, connections, duration, size, warmup, timeout, requestTimeout, pipeline, rate, engine, io,
            serverPid, json, csv, label, progress, maxRequests,
        };

        Option<string>? protocol = null;
        Option<string>? operation = null;
        Option<string>? values = null;
        Option<int>? keys = null;
        if (name == "kv")
        {
            protocol = new Option<string>("--protocol") { Description = "resp (RESP2, as redis-benchmark) or inline (kv's text lines).", DefaultValueFactory = _ => "resp" };
            protocol.AcceptOnlyFromAmong("resp", "inline");
            operation = new Option<string>("--op") { Description = "The command each request sends: get or set.", DefaultValueFactory = _ => "get" };
            operation.AcceptOnlyFromAmong("get", "set");
            values = new Option<string>("--values") { Description = "SET: constant (the same value each time) or changing (a new value each request).", DefaultValueFactory = _ => "constant" };
            values.AcceptOnlyFromAmong("constant", "changing");
            keys = new Option<int>("--keys") { Description = $"Keys the requests spread over (1 to {LoadOptions.MaxKeys}).", DefaultValueFactory = _ => 1000 };
            command.Options.Add(protocol);
            command.Options.Add(operation);
            command.Options.Add(values);
            command.Options.Add(keys);
        }

        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            LoadOptions options;
            try
            {
                options = new LoadOptions
                {
                    Target = HostPort.Parse(result.GetValue(connect), defaultPort),
                    Payload = name switch
                    {
                        "echo" => LoadPayload.Echo,
                        "lines" => LoadPayload.Lines,
                        "count" => LoadPayload.Count,
                        _ => result.GetValue(protocol!) == "inline" ? LoadPayload.KvInline : LoadPayload.KvResp,
                    },
                    KvOperation = operation is not null && result.GetValue(operation) == "set" ? KvOperation.Set : KvOperation.Get,
                    ChangingValues = values is not null && result.GetValue(values) == "changing",
                    Keys = keys is null ? 1000 : result.GetValue(keys),
                    Connections = result.GetValue(connections),
                    Pipeline = result.GetValue(pipeline),
                    Rate = result.GetValue(rate),
                    Duration = Seconds(result.GetValue(duration), "--duration"),
                    MessageSize = result.GetValue(size),
                    Warmup = Seconds(result.GetValue(warmup), "--warmup"),
                    ConnectTimeout = Seconds(result.GetValue(timeout), "--timeout"),
                    RequestTimeout = Seconds(result.GetValue(requestTimeout), "--request-timeout"),
                    Engine = result.GetValue(engine) switch { "epoll" => LoadEngine.Epoll, "async" => LoadEngine.Async, _ => LoadEngine.Auto },
                    SocketIo = result.GetValue(io) == "socket" ? LoadSocketIo.Socket : LoadSocketIo.Libc,
                    ServerPid = result.GetValue(serverPid),
                    MaxRequests = result.GetValue(maxRequests),
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

            // Thousands of connections need more descriptors than the usual soft limit of 1024.
            DescriptorBudget.Configure();
            DateTime started = DateTime.UtcNow;
            BenchProgressLine? line = result.GetValue(progress) || !Console.IsErrorRedirected ? new BenchProgressLine() : null;
            LoadReport report = await LoadGenerator.RunAsync(options, line, cancellationToken).ConfigureAwait(false);
            line?.Finish();

            BenchJsonDocument document = BenchJsonDocument.Create(
                name, Describe(name, report.Options), EngineName(report), result.GetValue(label), report, started);
            string? jsonPath = result.GetValue(json);
            if (!string.IsNullOrEmpty(jsonPath))
            {
                try
                {
                    await using var file = File.Create(jsonPath);
                    await JsonSerializer.SerializeAsync(file, document, BenchJsonContext.Default.BenchJsonDocument).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"netkit: cannot write {jsonPath}: {ex.Message}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
            }

            return await PrintAsync(name, report, result.GetValue(csv) ? document : null).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The report on stdout (or, with <paramref name="csv"/>, that document as CSV), what went wrong
    /// on stderr, and the exit code.</summary>
    private static async Task<int> PrintAsync(string name, LoadReport report, BenchJsonDocument? csv)
    {
        LoadOptions options = report.Options;
        if (report.ConnectionsOpened == 0)
        {
            string reason = report.FirstConnectError?.Message ?? $"cannot connect to {options.Target}";
            await Console.Error.WriteLineAsync($"netkit: {reason}").ConfigureAwait(false);
            return report.FirstConnectError?.ExitCode ?? ExitCodes.Failure;
        }

        if (csv is not null)
        {
            Console.WriteLine(BenchCsv.Header);
            Console.WriteLine(BenchCsv.Row(csv));
        }
        else
        {
            PrintReport(name, report);
        }

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
                $"netkit: {report.Errors} errors and {report.TimedOut} timed-out requests during the run; the first: {report.FirstError.Message}")
                .ConfigureAwait(false);
        }

        // No answered request at all is not a measurement: the run failed.
        if (report.AllFailed)
        {
            await Console.Error.WriteLineAsync($"netkit: bench {name}: no request was answered").ConfigureAwait(false);
            return report.FirstError?.ExitCode ?? ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }

    private static void PrintReport(string name, LoadReport report)
    {
        LoadOptions options = report.Options;

        string connectionCount = report.ConnectFailures == 0
            ? Text(report.ConnectionsOpened)
            : $"{Text(report.ConnectionsOpened)}/{Text(options.Connections)}";
        string loop = options.Rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"open {options.Rate:0}/s") : "closed";

        // The first two lines keep the format bench/lib/common.sh parses; the figures added since come after.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Describe(name, options)} {options.Target}  connections={connectionCount} size={options.MessageSize}B duration={report.MeasuredSeconds:0.0}s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"round trips/s: {report.RequestsPerSecond:0}   p50: {report.P50Microseconds} us   p99: {report.P99Microseconds} us   " +
            $"p99.9: {report.P999Microseconds} us   max: {report.MaxMicroseconds} us   errors: {report.ConnectFailures + report.Errors + report.TimedOut}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency: p90 {report.P90Microseconds} us   p99.99 {report.P9999Microseconds} us   mean {report.Latency.Mean:0} us   " +
            $"requests: {report.Requests}   timeouts: {report.TimedOut}   pipeline: {options.Pipeline}   loop: {loop}   " +
            $"engine: {EngineName(report)}"));
        string server = report.ServerCpuSeconds is double serverCpu
            ? string.Create(CultureInfo.InvariantCulture,
                $"server {serverCpu:0.000} s   per server cpu-second: {report.RequestsPerServerCpuSecond ?? 0:0}   ")
            : options.ServerPid > 0 ? $"server unreadable (pid {options.ServerPid})   " : string.Empty;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cpu: {server}generator {report.GeneratorCpuSeconds ?? 0:0.000} s"));
    }

    private static string Describe(string name, LoadOptions options) => options.Payload switch
    {
        LoadPayload.KvResp or LoadPayload.KvInline =>
            $"{name} {(options.Payload == LoadPayload.KvResp ? "resp" : "inline")} {options.KvOperation.ToString().ToUpperInvariant()}" +
            (options.KvOperation == KvOperation.Set && options.ChangingValues ? " changing" : string.Empty),
        _ => name,
    };

    private static string EngineName(LoadReport report) => report.Engine switch
    {
        LoadEngine.Epoll => report.Options.SocketIo == LoadSocketIo.Socket ? "epoll/socket" : "epoll/libc",
        _ => "async",
    };

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
