using System.Diagnostics;
using System.Net.Sockets;
using NetKit.Transport;

namespace NetKit.Load;

/// <summary>The portable engine's loop for one connection: queue what is due, send it, await a receive,
/// check the replies. Sequential, so in an open loop with a pipeline a request due while the loop waits
/// for a reply goes out after that reply, and the wait shows in its latency (measured from when it was due).</summary>
internal sealed class AsyncLoadConnection
{
    private readonly LoadDriver _driver;
    private Socket? _socket;
    private volatile bool _timedOut;

    public AsyncLoadConnection(LoadDriver driver, Socket socket, LoadSession session)
    {
        _driver = driver;
        _socket = socket;
        Session = session;
    }

    public LoadSession Session { get; }

    public async Task RunAsync(CancellationToken hardStop)
    {
        try
        {
            await LoopAsync(hardStop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            Session.Abandon();
        }
        catch (Exception ex) when (NetErrors.IsExpected(ex) || ex is ObjectDisposedException or OperationCanceledException)
        {
            if (_timedOut)
            {
                Session.TimeOut(new NetKitException(NetErrorKind.TimedOut, $"load on {_driver.Target}",
                    $"no reply within {_driver.Options.RequestTimeout.TotalSeconds:0.###} s"));
            }
            else
            {
                Session.Fail(NetErrors.Wrap($"load on {_driver.Target}", ex));
            }
        }
        finally
        {
            _socket?.Dispose();
        }

        Session.Abandon();
    }

    /// <summary>Called by the watchdog: a request waited longer than the timeout, so the socket is closed
    /// under the loop's pending receive, which then reports it.</summary>
    public void ExpireIfLate(long now, long requestTimeout)
    {
        if (now - Session.OldestSentAt > requestTimeout)
        {
            _timedOut = true;
            _socket?.Dispose();
        }
    }

    private async Task LoopAsync(CancellationToken hardStop)
    {
        bool connectionPerRequest = _driver.Workload.ConnectionPerRequest;
        bool halfClosed = false;
        while (!Session.Failed)
        {
            long now = Stopwatch.GetTimestamp();
            Session.Queue(now);
            Socket socket = _socket!;
            while (Session.HasPendingSend)
            {
                int sent = await socket.SendAsync(Session.PendingSend, SocketFlags.None, hardStop).ConfigureAwait(false);
                Session.Sent(sent);
            }

            if (connectionPerRequest && Session.Outstanding > 0 && !halfClosed)
            {
                socket.Shutdown(SocketShutdown.Send);
                halfClosed = true;
            }

            if (Session.Outstanding == 0)
            {
                if (!Session.Running(now))
                {
                    return;
                }

                // Open loop, nothing in flight: sleep until the next request is due.
                long wait = Session.NextDue(now) - now;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.001, wait / (double)Stopwatch.Frequency)), hardStop)
                        .ConfigureAwait(false);
                }

                continue;
            }

            int received = await socket.ReceiveAsync(Session.ReceiveSpace, SocketFlags.None, hardStop).ConfigureAwait(false);
            now = Stopwatch.GetTimestamp();
            if (received == 0)
            {
                Session.Fail(new NetKitException(NetErrorKind.ConnectionReset, $"load on {_driver.Target}",
                    "the server closed the connection"));
                return;
            }

            if (!Session.Received(received, now))
            {
                return;
            }

            if (connectionPerRequest && Session.Outstanding == 0)
            {
                // count: one connection per request.
                socket.Dispose();
                _socket = null;
                Session.NewConnection();
                if (!Session.Running(now))
                {
                    return;
                }

                _socket = await TcpClientConnection.ConnectSocketAsync(_driver.Options.Target, _driver.Options.ConnectTimeout, hardStop)
                    .ConfigureAwait(false);
                halfClosed = false;
            }
        }
    }
}
