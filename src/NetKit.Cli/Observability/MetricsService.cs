using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace NetKit.Cli.Observability;

/// <summary>
/// The host's metrics export (<see cref="MetricsEndpoint"/>): started after the servers, so <c>/healthz</c>
/// answers only once every listener is bound, and its address printed on stdout after their lines
/// (<c>metrics on http://HOST:PORT/metrics</c>, the real port when 0 was asked for). <c>Metrics:Bind</c> in the
/// configuration: <c>--metrics-bind</c>, the file's <c>Metrics</c> section or <c>NETKIT_METRICS__BIND</c>.
/// </summary>
internal sealed class MetricsService(IConfiguration configuration) : IHostedService, IDisposable
{
    public const string BindKey = Settings.ServiceSections.Metrics + ":Bind";

    private IDisposable? _endpoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        string? bind = configuration[BindKey];
        // Decided here, before MetricsEndpoint is touched: its code loads OpenTelemetry's assemblies, and the JIT
        // build holds a descriptor open for each one it loads; a process that exports nothing should not pay them.
        if (string.IsNullOrWhiteSpace(bind) && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(MetricsEndpoint.OtlpEndpointVariable)))
        {
            return;
        }

        await StartEndpointAsync(bind).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _endpoint?.Dispose();

    private async Task StartEndpointAsync(string? bind)
    {
        var endpoint = MetricsEndpoint.Start(bind, "netkit");
        _endpoint = endpoint;
        if (endpoint?.ScrapeUri is { } uri)
        {
            await Console.Out.WriteLineAsync($"metrics on {uri}").ConfigureAwait(false);
            await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
