using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Transport;

namespace NetKit.Hosting;

/// <summary>
/// Several servers in one process as one <see cref="IHostedService"/>: started in order (if one cannot start,
/// the ones already started are stopped and the error is thrown), stopped together. Signals are the host's
/// business (its lifetime calls <see cref="StopAsync"/>); <see cref="Completion"/> tells a host when every
/// server has stopped by itself (count's --once), so it can end too.
/// </summary>
public sealed class ServiceHost : IHostedService, IAsyncDisposable
{
    private readonly IReadOnlyList<INetworkServer> _servers;
    private readonly ILogger _logger;
    private readonly List<INetworkServer> _started = [];
    private readonly TaskCompletionSource _allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ServiceHost(IEnumerable<INetworkServer> servers, ILogger? logger = null)
    {
        _servers = servers.ToList();
        _logger = logger ?? NullLogger.Instance;
        Completion = CompleteAsync();
    }

    public IReadOnlyList<INetworkServer> Servers => _servers;

    /// <summary>Completes once every server has started and then stopped, whether by itself or through <see cref="StopAsync"/>.</summary>
    public Task Completion { get; }

    /// <summary>Starts every server in order; <paramref name="cancellationToken"/> is checked before each one.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var server in _servers)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                server.Start();
                _started.Add(server);
            }
            catch
            {
                await StopAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        ServiceHostLog.Started(_logger, _started.Count);
        _allStarted.TrySetResult();
    }

    /// <summary>Stops every started server: they stop accepting and let connections finish their current
    /// request within their grace period; a cancelled <paramref name="cancellationToken"/> cuts them sooner.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_started.Select(s => s.StopAsync(cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _started)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task CompleteAsync()
    {
        await _allStarted.Task.ConfigureAwait(false);
        await Task.WhenAll(_started.Select(s => s.Completion)).ConfigureAwait(false);
    }
}
