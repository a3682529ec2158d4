using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Connections;
using NetKit.Protocols;
using NetKit.Transport.Epoll;
using NetKit.Transport.Tls;

namespace NetKit.Transport;

/// <summary>The accept loops of the async, threads and TLS listeners (the epoll model accepts on its own loops), and how they ride out a failed accept.</summary>
public sealed partial class TcpServer
{
    private async Task AcceptLoopAsync(Socket listener, bool tls)
    {
        while (!_stopAccepting.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopAccepting.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException
                                          || ex is SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                return;
            }
            catch (SocketException ex)
            {
                if (!await BackOffAsync(ex).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            var connection = tls
                ? Admit(new AcceptedSocket(socket), static (id, s, p, server) => new TlsConnection(id, s.Socket, p, server))
                : Admit(new AcceptedSocket(socket), static (id, s, p, server) => new AsyncTcpConnection(id, s.Socket, p, server));
            if (connection is IThreadPoolWorkItem work)
            {
                ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
            }

            if (Options.Once && connection is not null)
            {
                StopAccepting();
                return;
            }
        }
    }

    private void AcceptLoopBlocking(object? state)
    {
        var done = (TaskCompletionSource)state!;
        var listener = _listener!;
        try
        {
            while (!_stopAccepting.IsCancellationRequested)
            {
                // At the thread cap, stop accepting: new connections wait in the kernel's backlog.
                try
                {
                    _threadSlots?.Wait(_stopAccepting.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                Socket socket;
                try
                {
                    socket = listener.Accept();
                }
                catch (Exception ex) when (ex is ObjectDisposedException
                                              || ex is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
                {
                    _threadSlots?.Release();
                    return;
                }
                catch (SocketException ex)
                {
                    _threadSlots?.Release();
                    if (!BackOffAsync(ex).GetAwaiter().GetResult())
                    {
                        return;
                    }

                    continue;
                }

                var connection = Admit(new AcceptedSocket(socket),
                    static (id, s, p, server) => new ThreadedTcpConnection(id, s.Socket, p, server));
                if (connection is ThreadedTcpConnection threaded)
                {
                    var thread = new Thread(threaded.Run) { IsBackground = true, Name = $"{Name} #{threaded.Id}" };
                    thread.Start();
                }
                else
                {
                    _threadSlots?.Release();
                }

                if (Options.Once && connection is not null)
                {
                    StopAccepting();
                    return;
                }
            }
        }
        finally
        {
            done.TrySetResult();
        }
    }

    /// <summary>Sorts accept failures: resource exhaustion backs off, a reset peer is skipped, anything else stops the loop.</summary>
    private async Task<bool> BackOffAsync(SocketException ex)
    {
        switch (ex.SocketErrorCode)
        {
            case SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Interrupted:
                return true;
            case SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable:
                TransportLog.AcceptFailed(Logger, Name, ex.SocketErrorCode.ToString());
                try
                {
                    await Task.Delay(100, _stopAccepting.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }

                return true;
            default:
                TransportLog.AcceptFailed(Logger, Name, ex.SocketErrorCode.ToString());
                return !_stopAccepting.IsCancellationRequested;
        }
    }
}
