using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace NetKit.Cli.Hosting;

/// <summary>
/// Type=notify readiness for a netkit that systemd does not run directly (a wrapper script, a supervisor that
/// passes NOTIFY_SOCKET on): READY=1 once the host has started, which is once every listener is bound and kv's
/// log replayed, and STOPPING=1 when it stops. Under systemd itself <see cref="SystemdLifetime"/> sends them.
/// </summary>
internal sealed partial class SystemdReadiness(IHostApplicationLifetime lifetime, IHostLifetime hostLifetime,
    ISystemdNotifier notifier, ILogger<SystemdReadiness> logger) : IHostedService, IDisposable
{
    private CancellationTokenRegistration _started;
    private CancellationTokenRegistration _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (notifier.IsEnabled && hostLifetime is not SystemdLifetime)
        {
            _started = lifetime.ApplicationStarted.Register(() => Notify(ServiceState.Ready));
            _stopping = lifetime.ApplicationStopping.Register(() => Notify(ServiceState.Stopping));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _started.Dispose();
        _stopping.Dispose();
    }

    private void Notify(ServiceState state)
    {
        try
        {
            notifier.Notify(state);
        }
        catch (SocketException ex)
        {
            // A service manager that went away is no reason to stop serving.
            NotifyFailed(logger, state.ToString(), ex.SocketErrorCode.ToString());
        }
    }

    [LoggerMessage(EventId = 220, Level = LogLevel.Warning, Message = "Could not tell the service manager {State} through NOTIFY_SOCKET: {Error}")]
    private static partial void NotifyFailed(ILogger logger, string state, string error);
}
