using NetKit.Load;

namespace NetKit.Cli.Commands;

/// <summary>What <c>netkit bench --json FILE</c> writes: where it ran, how, what it measured, and the whole
/// latency distribution (HdrHistogram's percentile walk) for <c>netkit bench chart</c>'s curves. A file
/// written before the distribution was added reads with it null.</summary>
internal sealed record BenchJsonDocument(
    BenchJsonEnvironment Environment, BenchJsonOptions Options, BenchJsonResults Results,
    IReadOnlyList<BenchJsonPercentile>? LatencyDistribution = null)
{
    /// <param name="target">echo, lines, count or kv.</param>
    /// <param name="workload">The target with what it sends (<c>kv resp GET</c>).</param>
    /// <param name="engine">The load generator's engine, as the report names it.</param>
    public static BenchJsonDocument Create(
        string target, string workload, string engine, string? label, LoadReport report, DateTime startedUtc)
    {
        LoadOptions o = report.Options;
        bool kv = o.Payload is LoadPayload.KvResp or LoadPayload.KvInline;
        return new BenchJsonDocument(
            BenchJsonEnvironment.Capture(startedUtc),
            new BenchJsonOptions(label, target, workload, o.Target.ToString(), o.Connections, o.Pipeline, o.Rate, o.MessageSize,
                o.Warmup.TotalSeconds, o.Duration.TotalSeconds, o.ConnectTimeout.TotalSeconds, o.RequestTimeout.TotalSeconds,
                engine, o.SocketIo.ToString().ToLowerInvariant(),
                kv ? o.KvOperation.ToString().ToLowerInvariant() : null, kv ? o.ChangingValues : null, kv ? o.Keys : null,
                o.ServerPid > 0 ? o.ServerPid : null),
            new BenchJsonResults(report.ConnectionsOpened, report.ConnectFailures, report.Requests, report.MeasuredSeconds,
                report.RequestsPerSecond, report.Errors, report.TimedOut, (report.FirstError ?? report.FirstConnectError)?.Message,
                report.P50Microseconds, report.P90Microseconds, report.P99Microseconds, report.P999Microseconds,
                report.P9999Microseconds, report.MaxMicroseconds, report.Latency.Mean,
                report.ServerCpuSeconds, report.RequestsPerServerCpuSecond, report.GeneratorCpuSeconds),
            report.Latency.Distribution().Select(p => new BenchJsonPercentile(p.Percentile, p.Microseconds)).ToArray());
    }
}
