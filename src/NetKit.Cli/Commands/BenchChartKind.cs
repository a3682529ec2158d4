namespace NetKit.Cli.Commands;

/// <summary>What <c>netkit bench chart</c> draws.</summary>
internal enum BenchChartKind
{
    /// <summary>Throughput bars beside the latency curves.</summary>
    Both,

    /// <summary>Requests/s and requests per server CPU-second, a bar per run.</summary>
    Throughput,

    /// <summary>Latency by percentile, HDR-style (x is 1/(1-p) on a log scale), a curve per run.</summary>
    Latency,

    /// <summary>Requests/s (and per server CPU-second) against connections, a line per series: runs that
    /// share a label are one series.</summary>
    Sweep,
}
