using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NetKit.Cli.Hosting;

/// <summary>Runs a <see cref="ServerPlan"/> under the generic host until it is stopped (SIGINT, SIGTERM, SHUTDOWN,
/// or every server ending by itself); exit 0 after a graceful stop.</summary>
public static class ServerRunner
{
    public static async Task<int> RunAsync(ServerPlan plan)
    {
        var host = ServerHostFactory.Build(plan);
        try
        {
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            try
            {
                await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Stopped while starting (a signal during kv's log replay): nothing was served, nothing is lost.
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return Transport.ExitCodes.Success;
            }

            await host.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            return Transport.ExitCodes.Success;
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            // The host gathers what its services threw while stopping; the one failure says more alone.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            throw;
        }
        finally
        {
            // Last: kv's log is synced and closed, and the console logger drains its queue, as the host is disposed.
            await ((IAsyncDisposable)host).DisposeAsync().ConfigureAwait(false);
        }
    }
}
