using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetKit.Cli.Commands;
using NetKit.Hosting;
using NetKit.KeyValue;
using NetKit.Transport;

namespace NetKit.Cli.Hosting;

/// <summary>
/// The servers of a <see cref="ServerPlan"/> as the host's hosted service. Starting checks kv's protected mode,
/// opens its data (the log replayed) before anything listens, starts every server, then prints one
/// <c>NAME listening on TRANSPORT HOST:PORT</c> line each on stdout (the real port, so port 0 is usable by
/// scripts and tests) and one <see cref="StartupSummary"/> line each. When every server has stopped by itself
/// (count's --once) it stops the host. Stopping stops them all; kv's log is synced and closed last.
/// </summary>
internal sealed partial class ServerStartup(ServerPlan plan, IHostApplicationLifetime lifetime, ILoggerFactory loggerFactory)
    : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("NetKit.Host");
    private readonly MemoryReclaimer _reclaimer = new();
    private KeyValueServer? _kv;
    private ServiceHost? _host;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (string warning in plan.Configuration.Warnings)
        {
            SettingIgnored(_logger, warning);
        }

        var services = FitDescriptorLimit(plan.Services);
        if (services.FirstOrDefault(s => s.Service == KeyValueService.Definition) is { } kv)
        {
            var options = KeyValueOptions(plan.KeyValue ?? new KeyValueServerOptions(), kv);
            if (kv.EndPoint is System.Net.IPEndPoint ip && ProtectedMode.Check(ip.Address, options.RequirePass is not null) is { } refusal)
            {
                // Checked before the log is opened or anything listens: nothing has happened yet to undo.
                throw new CliException(CliExitCodes.ProtectedMode, refusal);
            }

            _kv = new KeyValueServer(options, loggerFactory);
            // Replaying a long log takes a while: off the thread that started the host. A signal meanwhile
            // stops the host once it is done (or a second Ctrl-C ends the process).
            await Task.Run(() => Open(_kv), CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var servers = services.Select(s => s.Service == KeyValueService.Definition
                ? _kv!
                : ServiceFactory.Create(s.Service, s.EndPoint, s.Settings, loggerFactory))
            .ToList();
        _host = new ServiceHost(servers, _logger);
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);

        foreach (var server in _host.Servers)
        {
            foreach (var listener in server.Listeners)
            {
                await Console.Out.WriteLineAsync(ListeningLine(server, listener)).ConfigureAwait(false);
            }
        }

        // After the listening lines, so a script that reads the first line for the port still can.
        foreach (var served in services)
        {
            await Console.Out.WriteLineAsync(StartupSummary.For(served, served.Service == KeyValueService.Definition ? _kv : null))
                .ConfigureAwait(false);
        }

        await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        _ = _host.Completion.ContinueWith(static (_, state) => ((IHostApplicationLifetime)state!).StopApplication(), lifetime,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stopping(_logger);
        return _host?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _reclaimer.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }

        // Also when it was opened but never started (another service could not listen): the lock is released.
        if (_kv is not null)
        {
            await _kv.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>echo listening on tcp 127.0.0.1:7878</c>, <c>kv listening on tls [::1]:7882</c>, <c>echo listening on
    /// unix:/run/netkit/echo.sock</c>: the address as <c>--connect</c> takes it (a Unix one says what it is).
    /// </summary>
    public static string ListeningLine(INetworkServer server, ServerListener listener) =>
        listener.IsUnix
            ? $"{server.Name} listening on {(listener.Tls ? "tls " : string.Empty)}{listener.Address}"
            : $"{server.Name} listening on {(listener.Tls ? "tls" : server.Transport)} {listener.Address}";

    private static KeyValueServerOptions KeyValueOptions(KeyValueServerOptions kv, ServedService served) =>
        kv with
        {
            EndPoint = served.EndPoint,
            Model = served.Settings.Model,
            MaxConnections = served.Settings.MaxConnections,
            MaxThreads = served.Settings.MaxThreads,
            EventLoops = served.Settings.EventLoops,
            IdleTimeout = served.Settings.IdleTimeout,
            ShutdownGracePeriod = served.Settings.ShutdownGracePeriod,
            OutputLimit = served.Settings.OutputLimit,
            SubscriberOutputLimit = served.Settings.SubscriberOutputLimit,
            TimeProvider = served.Settings.TimeProvider,
            MinRequestDataRate = served.Settings.MinRequestDataRate,
            MaxLineLength = served.Settings.MaxLineLength,
            Tls = served.Settings.Tls,
            UnixSocketPermissions = served.Settings.UnixSocketPermissions,
        };

    /// <exception cref="CliException">The data directory or its log cannot be created or opened, another server
    /// holds the directory, or the log is damaged before its end and --repair-log was not given; the message says
    /// which and the exit code is that kind's (<see cref="CliExitCodes.For"/>).</exception>
    private static void Open(KeyValueServer server)
    {
        try
        {
            server.Open();
        }
        catch (KeyValue.Persistence.KeyValueStorageException e)
        {
            throw new CliException(CliExitCodes.For(e.Kind), e.Message, e);
        }
        catch (ProtectedModeException e)
        {
            throw new CliException(CliExitCodes.ProtectedMode, e.Message, e);
        }
    }

    /// <summary>
    /// Raises the descriptor limit to the hard one and, when even that cannot hold a service's
    /// <see cref="ServiceSettings.MaxConnections"/> connections, lowers it to what it can, saying so in one line
    /// (as Redis does for maxclients): a server that runs out of descriptors cannot accept, open its files or
    /// even start a thread.
    /// </summary>
    private List<ServedService> FitDescriptorLimit(IReadOnlyList<ServedService> services)
    {
        long descriptors = DescriptorBudget.Configure();
        int budget = DescriptorBudget.MaxConnections;
        int tcpServices = services.Count(s => s.Service.Transport == "tcp");
        var fitted = new List<ServedService>();
        var lowered = new SortedSet<int>();
        foreach (var served in services)
        {
            int max = served.Settings.MaxConnections;
            if (served.Service.Transport != "tcp" || budget <= 0 || (max > 0 && max <= budget))
            {
                fitted.Add(served);
                continue;
            }

            lowered.Add(max);
            fitted.Add(served with { Settings = served.Settings with { MaxConnections = budget } });
        }

        foreach (int requested in lowered)
        {
            ConnectionsLowered(_logger, requested > 0 ? requested.ToString(CultureInfo.InvariantCulture) : "no limit", budget, descriptors,
                DescriptorBudget.Reserved, tcpServices > 1 ? "; the services share them" : string.Empty);
        }

        return fitted;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning,
        Message = "--max-connections lowered from {Requested} to {Budget}: the process may open {Descriptors} file descriptors (ulimit -n) and keeps {Reserved} for its own use{Shared}")]
    private static partial void ConnectionsLowered(ILogger logger, string requested, int budget, long descriptors, int reserved, string shared);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void SettingIgnored(ILogger logger, string warning);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Stopping: no new connections; those open finish their current request")]
    private static partial void Stopping(ILogger logger);
}
