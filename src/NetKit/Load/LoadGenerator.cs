using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetKit.Transport;

namespace NetKit.Load;

/// <summary>
/// A closed-loop TCP load generator for the request/response services (echo, lines). Each connection
/// keeps exactly one request in flight, so what it records is the latency of every single round trip,
/// not 1/throughput. Connections run on async sockets, so 1,000 of them need only a few threads.
/// </summary>
/// <remarks>
/// Network failures never throw: a connection that cannot be opened, or fails while running, is counted
/// in the report and the rest carry on. Only cancellation before the load starts and bad options throw.
/// </remarks>
public static class LoadGenerator
{
    /// <summary>Opens the connections, runs the warm-up and the measured window, and reports.</summary>
    /// <param name="cancellationToken">Before the load starts, cancels the run (throws); during it, ends
    /// the measured window early and the report covers what was measured so far.</param>
    public static async Task<LoadReport> RunAsync(LoadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string target = options.Target.ToString();
        (byte[] request, byte[] expectedReply) = BuildMessages(options.Payload, options.MessageSize);

        IPAddress[] addresses;
        try
        {
            addresses = await options.Target.ResolveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NetKitException ex)
        {
            return EmptyReport(options, options.Connections, ex);
        }

        var connections = new LoadConnection?[options.Connections];
        int connectFailures = 0;
        NetKitException? firstConnectError = null;
        try
        {
            var parallel = new ParallelOptions
            {
                MaxDegreeOfParallelism = options.ConnectConcurrency,
                CancellationToken = cancellationToken,
            };
            await Parallel.ForEachAsync(Enumerable.Range(0, options.Connections), parallel, async (i, ct) =>
            {
                try
                {
                    Socket socket = await ConnectAsync(addresses, options, target, ct).ConfigureAwait(false);
                    connections[i] = new LoadConnection(socket, request, expectedReply, target);
                }
                catch (NetKitException ex)
                {
                    Interlocked.Increment(ref connectFailures);
                    Interlocked.CompareExchange(ref firstConnectError, ex, null);
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            DisposeAll(connections);
            throw;
        }

        LoadConnection[] open = connections.OfType<LoadConnection>().ToArray();
        if (open.Length == 0)
        {
            return EmptyReport(options, connectFailures, firstConnectError);
        }

        try
        {
            return await RunLoadAsync(options, open, connectFailures, firstConnectError, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            DisposeAll(open);
        }
    }

    private static async Task<LoadReport> RunLoadAsync(LoadOptions options, LoadConnection[] open,
        int connectFailures, NetKitException? firstConnectError, CancellationToken cancellationToken)
    {
        using var hardStop = new CancellationTokenSource(options.Warmup + options.Duration + options.RequestTimeout);
        long begin = Stopwatch.GetTimestamp();
        long measureStart = begin + ToTimestampTicks(options.Warmup);
        long deadline = measureStart + ToTimestampTicks(options.Duration);
        var run = new LoadRun(measureStart, deadline, options.MaxRoundTrips, hardStop.Token);

        using (cancellationToken.Register(() =>
               {
                   run.StopNow();
                   // Whoever pressed Ctrl+C wants out: a second of grace, not the full request timeout.
                   hardStop.CancelAfter(TimeSpan.FromSeconds(1));
               }))
        {
            // Task.Run so no loop whose socket calls complete synchronously can hold this thread while
            // the other connections wait for their first send.
            await Task.WhenAll(open.Select(c => Task.Run(() => c.RunAsync(run), CancellationToken.None)))
                .ConfigureAwait(false);
        }

        long windowEnd = Math.Min(run.Deadline, Stopwatch.GetTimestamp());
        double measuredSeconds = Math.Max(0, windowEnd - measureStart) / (double)Stopwatch.Frequency;

        var latency = new LatencyHistogram();
        long roundTrips = 0;
        int errors = 0;
        NetKitException? firstError = null;
        foreach (var connection in open)
        {
            latency.Add(connection.Latency);
            roundTrips += connection.RoundTrips;
            if (connection.Error is not null)
            {
                errors++;
                firstError ??= connection.Error;
            }
        }

        return new LoadReport
        {
            Options = options,
            ConnectionsOpened = open.Length,
            ConnectFailures = connectFailures,
            FirstConnectError = firstConnectError,
            RoundTrips = roundTrips,
            MeasuredSeconds = measuredSeconds,
            Errors = errors,
            FirstError = firstError,
            Latency = latency,
        };
    }

    private static async Task<Socket> ConnectAsync(IPAddress[] addresses, LoadOptions options, string target,
        CancellationToken cancellationToken)
    {
        string operation = $"cannot connect to {target}";
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, options.Target.Port), timeout.Token).ConfigureAwait(false);
                return socket;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                last = new NetKitException(NetErrorKind.TimedOut, operation);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw NetErrors.Wrap(operation, last ?? new SocketException((int)SocketError.HostNotFound));
    }

    /// <summary>The request and the reply it must get: for lines, lower-case letters that come back upper-cased.</summary>
    private static (byte[] Request, byte[] ExpectedReply) BuildMessages(LoadPayload payload, int size)
    {
        var request = new byte[size];
        for (int i = 0; i < size; i++)
        {
            request[i] = (byte)('a' + (i % 26));
        }

        if (payload == LoadPayload.Echo)
        {
            return (request, request);
        }

        request[^1] = (byte)'\n';
        var reply = new byte[size];
        for (int i = 0; i < size - 1; i++)
        {
            reply[i] = (byte)(request[i] - 'a' + 'A');
        }

        reply[^1] = (byte)'\n';
        return (request, reply);
    }

    private static long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static LoadReport EmptyReport(LoadOptions options, int connectFailures, NetKitException? error) => new()
    {
        Options = options,
        ConnectionsOpened = 0,
        ConnectFailures = connectFailures,
        FirstConnectError = error,
        RoundTrips = 0,
        MeasuredSeconds = 0,
        Errors = 0,
        Latency = new LatencyHistogram(),
    };

    private static void DisposeAll(IEnumerable<LoadConnection?> connections)
    {
        foreach (var connection in connections)
        {
            connection?.Dispose();
        }
    }
}
