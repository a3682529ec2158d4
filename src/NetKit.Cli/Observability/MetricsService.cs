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

    private MetricsEndpoint? _endpoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _endpoint = MetricsEndpoint.Start(configuration[BindKey], "netkit");
        if (_endpoint?.ScrapeUri is { } uri)
        {
            await Console.Out.WriteLineAsync($"metrics on {uri}").ConfigureAwait(false);
            await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _endpoint?.Dispose();
}
