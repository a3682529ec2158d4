using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NetKit.Hosting;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// Runs one or more services in this process: starts them, prints one <c>NAME listening on TRANSPORT
/// HOST:PORT</c> line each on stdout (the real port, so port 0 is usable by scripts and tests), and
/// serves until SIGINT/SIGTERM or until every server has stopped by itself (count's --once). kv's
/// database is opened (its log replayed) before anything listens, and closed — the log synced — only
/// after every server has stopped.
/// </summary>
public static class ServiceRunner
{
    public static async Task<int> RunAsync(IReadOnlyList<(ServiceDefinition Service, IPEndPoint EndPoint)> services,
        ServiceSettings settings, LogLevel logLevel, CancellationToken cancellationToken, KeyValueServerOptions? kv = null)
    {
        var kvEndPoint = services.FirstOrDefault(s => s.Service == KeyValueService.Definition).EndPoint;
        kv ??= new KeyValueServerOptions();
        if (kvEndPoint is not null && ProtectedMode.Check(kvEndPoint.Address, kv.RequirePass is not null) is { } refusal)
        {
            // Checked before the log is opened or anything listens: nothing has happened yet to undo.
            throw new CliException(CliExitCodes.ProtectedMode, refusal);
        }

        // ServiceHost handles signals from its StartAsync on; this covers what comes before it (kv's log
        // replay may take a while), and its Cancel keeps the runtime from killing the process before the
        // graceful stop, which also syncs the log.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // A signal handled while the run is already unwinding: the stop it asks for is under way.
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        // Declared first so it is disposed last: the console logger flushes its queue on dispose.
        using var loggerFactory = CliLogging.Create(logLevel);
        using var reclaimer = new MemoryReclaimer();
        settings = FitDescriptorLimit(settings, services.Count(s => s.Service.Transport == "tcp"), loggerFactory.CreateLogger("NetKit.Host"));
        // Declared before the host so it is disposed after it; opened (its log replayed) before anything listens.
        await using var kvServer = kvEndPoint is null ? null
            : new KeyValueServer(KeyValueOptions(kv, kvEndPoint, settings), loggerFactory);
        if (kvServer is not null)
        {
            Open(kvServer);
        }

        var servers = services.Select(s => s.Service == KeyValueService.Definition
                ? kvServer!
                : ServiceFactory.Create(s.Service, s.EndPoint, settings, loggerFactory))
            .ToList();
        await using var host = new ServiceHost(servers, loggerFactory.CreateLogger("NetKit.Host"));
        await host.StartAsync().ConfigureAwait(false);

        foreach (var server in host.Servers)
        {
            await Console.Out.WriteLineAsync($"{server.Name} listening on {server.Transport} {Format(server.LocalEndPoint)}")
                .ConfigureAwait(false);
        }

        if (kvServer is not null && Describe(kvServer) is { } where)
        {
            // After the listening lines, so a script that reads the first line for the port still can.
            await Console.Out.WriteLineAsync(where).ConfigureAwait(false);
        }

        await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        await host.RunUntilStoppedAsync(stop.Token).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static KeyValueServerOptions KeyValueOptions(KeyValueServerOptions kv, IPEndPoint endPoint, ServiceSettings settings) =>
        kv with
        {
            EndPoint = endPoint,
            Model = settings.Model,
            MaxConnections = settings.MaxConnections,
            MaxThreads = settings.MaxThreads,
            EventLoops = settings.EventLoops,
            IdleTimeout = settings.IdleTimeout,
            ShutdownGracePeriod = settings.ShutdownGracePeriod,
            OutputLimit = settings.OutputLimit,
            TimeProvider = settings.TimeProvider,
            MinRequestDataRate = settings.MinRequestDataRate,
            MaxLineLength = settings.MaxLineLength,
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
        catch (KeyValueStorageException e)
        {
            throw new CliException(CliExitCodes.For(e.Kind), e.Message, e);
        }
        catch (ProtectedModeException e)
        {
            throw new CliException(CliExitCodes.ProtectedMode, e.Message, e);
        }
    }

    /// <summary>Where kv's data lives and what was loaded, for the line printed at start; null in memory.</summary>
    private static string? Describe(KeyValueServer server) =>
        server.Log is not { } log
            ? null
            : $"kv data in {server.DataDirectory} ({AppendOnlyLog.FileName}, fsync {log.Policy.ToName()}): " +
              $"{server.Database.Store.Count} {(server.Database.Store.Count == 1 ? "key" : "keys")} loaded";

    /// <summary>
    /// Raises the descriptor limit to the hard one and, when even that cannot hold
    /// <see cref="ServiceSettings.MaxConnections"/> connections, lowers the limit to what it can, saying so
    /// in one line (as Redis does for maxclients): a server that runs out of descriptors cannot accept,
    /// open its files or even start a thread.
    /// </summary>
    private static ServiceSettings FitDescriptorLimit(ServiceSettings settings, int tcpServices, ILogger logger)
    {
        long descriptors = DescriptorBudget.Configure();
        int budget = DescriptorBudget.MaxConnections;
        if (tcpServices == 0 || budget <= 0 || (settings.MaxConnections > 0 && settings.MaxConnections <= budget))
        {
            return settings;
        }

        string requested = settings.MaxConnections > 0 ? settings.MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no limit";
        logger.LogWarning(
            "--max-connections lowered from {Requested} to {Budget}: the process may open {Descriptors} file descriptors (ulimit -n) and keeps {Reserved} for its own use{Shared}",
            requested, budget, descriptors, DescriptorBudget.Reserved,
            tcpServices > 1 ? "; the services share them" : string.Empty);
        return settings with { MaxConnections = budget };
    }

    /// <summary>The endpoint as HOST:PORT, an IPv6 host in brackets (<c>[::1]:7878</c>).</summary>
    public static string Format(IPEndPoint endPoint) =>
        new HostPort(endPoint.Address.ToString(), endPoint.Port).ToString();
}
