using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Transport;

namespace NetKit.Hosting;

/// <summary>
/// Runs several servers in one process until SIGINT or SIGTERM (or until every server has stopped by
/// itself), then stops them all gracefully: stop accepting, let connections finish, exit.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly IReadOnlyList<INetworkServer> _servers;
    private readonly ILogger _logger;
    private readonly List<INetworkServer> _started = [];
    private readonly CancellationTokenSource _signalled = new();
    private PosixSignalRegistration? _sigint;
    private PosixSignalRegistration? _sigterm;

    public ServiceHost(IEnumerable<INetworkServer> servers, ILogger? logger = null)
    {
        _servers = servers.ToList();
        _logger = logger ?? NullLogger.Instance;
    }

    public IReadOnlyList<INetworkServer> Servers => _servers;

    /// <summary>Starts every server; if one cannot start, the ones already started are stopped and the error is thrown.</summary>
    public async Task StartAsync()
    {
        // Registered before the first listener opens: a signal that arrives as soon as a service says it
        // is listening must take the graceful path, not the runtime's default termination.
        _sigint ??= PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigterm ??= PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        foreach (var server in _servers)
        {
            try
            {
                server.Start();
                _started.Add(server);
            }
            catch
            {
                await StopAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Waits for SIGINT/SIGTERM, <paramref name="cancellationToken"/>, or every server to finish by itself; then stops them.</summary>
    public async Task RunUntilStoppedAsync(CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _signalled.Token);
        try
        {
            await Task.WhenAll(_started.Select(s => s.Completion)).WaitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await StopAsync().ConfigureAwait(false);
    }

    public async Task StopAsync()
    {
        await Task.WhenAll(_started.Select(s => s.StopAsync())).ConfigureAwait(false);
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Keep the runtime from terminating the process: the stop in RunUntilStoppedAsync is the exit path.
        context.Cancel = true;
        ServiceHostLog.SignalReceived(_logger, context.Signal.ToString());
        _signalled.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        _sigint?.Dispose();
        _sigterm?.Dispose();
        foreach (var server in _started)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
