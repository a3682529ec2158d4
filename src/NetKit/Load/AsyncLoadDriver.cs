using System.Diagnostics;
using System.Net.Sockets;
using NetKit.Transport;

namespace NetKit.Load;

/// <summary>
/// The portable engine: an async loop per connection on the runtime's socket engine, connected through
/// <see cref="TcpClientConnection"/> like every NetKit client. A watchdog closes connections whose
/// oldest request has waited longer than the request timeout, and ends the drain.
/// </summary>
internal sealed class AsyncLoadDriver : LoadDriver
{
    // Never disposed: it has no timer, and Abort may come after the run.
    private readonly CancellationTokenSource _hardStop = new();

    public AsyncLoadDriver(LoadOptions options, LoadWorkload workload, LatencyHistogram latency)
        : base(options, workload, latency)
    {
    }

    public override void Start(CancellationToken cancellationToken) => _ = RunAsync(cancellationToken);

    public override void Abort() => _hardStop.Cancel();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var sockets = new Socket?[Options.Connections];
            try
            {
                var parallel = new ParallelOptions
                {
                    MaxDegreeOfParallelism = Options.ConnectConcurrency,
                    CancellationToken = cancellationToken,
                };
                await Parallel.ForEachAsync(Enumerable.Range(0, Options.Connections), parallel, async (i, ct) =>
                {
                    try
                    {
                        sockets[i] = await TcpClientConnection.ConnectSocketAsync(Options.Target, Options.ConnectTimeout, ct)
                            .ConfigureAwait(false);
                    }
                    catch (NetKitException ex)
                    {
                        ConnectFailed(ex);
                    }
                }).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                foreach (var socket in sockets)
                {
                    socket?.Dispose();
                }

                SetStartCanceled(cancellationToken);
                SetCompleted();
                return;
            }

            Socket[] open = sockets.OfType<Socket>().ToArray();
            if (open.Length == 0)
            {
                SetStarted(null);
                SetCompleted();
                return;
            }

            var schedule = new LoadSchedule(Stopwatch.GetTimestamp(), Options, open.Length);
            var connections = new AsyncLoadConnection[open.Length];
            for (int i = 0; i < open.Length; i++)
            {
                connections[i] = new AsyncLoadConnection(this,
                    open[i], new LoadSession(i, Workload, schedule, Latency, Options.Pipeline, Target));
            }

            Sessions = connections.Select(c => c.Session).ToArray();
            SetStarted(schedule);

            // Task.Run so no loop whose socket calls complete synchronously can hold this thread while the
            // other connections wait for their first send.
            Task all = Task.WhenAll(connections.Select(c => Task.Run(() => c.RunAsync(_hardStop.Token), CancellationToken.None)));
            await WatchAsync(all, schedule, connections).ConfigureAwait(false);
            await all.ConfigureAwait(false);
            SetCompleted();
        }
        catch (Exception ex)
        {
            SetStartFailed(ex);
        }
    }

    private async Task WatchAsync(Task all, LoadSchedule schedule, AsyncLoadConnection[] connections)
    {
        long requestTimeout = LoadSchedule.ToTicks(Options.RequestTimeout);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(100)).ConfigureAwait(false);
            long now = Stopwatch.GetTimestamp();
            if (now - schedule.Deadline > requestTimeout)
            {
                // The drain is over: whatever is still in flight has timed out.
                await _hardStop.CancelAsync().ConfigureAwait(false);
                return;
            }

            foreach (var connection in connections)
            {
                connection.ExpireIfLate(now, requestTimeout);
            }
        }
    }
}
