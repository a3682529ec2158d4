namespace NetKit.Cli.Commands;

/// <summary>What a bench run measured; latencies in microseconds, CPU in seconds over the measured window.</summary>
internal sealed record BenchJsonResults(
    int ConnectionsOpened, int ConnectFailures, long Requests, double MeasuredSeconds, double RequestsPerSecond,
    long Errors, long TimedOut, string? FirstError,
    long P50Us, long P90Us, long P99Us, long P999Us, long P9999Us, long MaxUs, double MeanUs,
    double? ServerCpuSeconds, double? RequestsPerServerCpuSecond, double? GeneratorCpuSeconds);
