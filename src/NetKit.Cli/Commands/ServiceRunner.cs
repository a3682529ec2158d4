using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NetKit.Hosting;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// Runs one or more services in this process: starts them, prints one <c>NAME listening on TRANSPORT
/// HOST:PORT</c> line each on stdout (the real port, so port 0 is usable by scripts and tests), and
/// serves until SIGINT/SIGTERM or until every server has stopped by itself (count's --once).
/// </summary>
public static class ServiceRunner
{
    public static async Task<int> RunAsync(IReadOnlyList<(ServiceDefinition Service, IPEndPoint EndPoint)> services,
        ServiceSettings settings, LogLevel logLevel, CancellationToken cancellationToken)
    {
        // A signal may come the moment the listening lines are out (a script that read them and stops the
        // server); ServiceHost installs its own handlers only once it runs, so this one covers the start,
        // and its Cancel keeps the runtime from killing the process before the graceful stop.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        // Declared first so it is disposed last: the console logger flushes its queue on dispose.
        using var loggerFactory = CliLogging.Create(logLevel);
        var servers = services.Select(s => ServiceFactory.Create(s.Service, s.EndPoint, settings, loggerFactory)).ToList();
        await using var host = new ServiceHost(servers, loggerFactory.CreateLogger("NetKit.Host"));
        await host.StartAsync().ConfigureAwait(false);

        foreach (var server in host.Servers)
        {
            await Console.Out.WriteLineAsync($"{server.Name} listening on {server.Transport} {Format(server.LocalEndPoint)}")
                .ConfigureAwait(false);
        }

        await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        await host.RunUntilStoppedAsync(stop.Token).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>The endpoint as HOST:PORT, an IPv6 host in brackets (<c>[::1]:7878</c>).</summary>
    public static string Format(IPEndPoint endPoint) =>
        new HostPort(endPoint.Address.ToString(), endPoint.Port).ToString();
}
