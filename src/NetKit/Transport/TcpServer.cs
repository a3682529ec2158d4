using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Protocols;

namespace NetKit.Transport;

/// <summary>
/// A TCP server that runs one protocol core per connection, in either connection model. It owns the
/// listener, the accept loop, the connection registry, the idle sweep and the graceful stop; the
/// per-connection loops live in the model's connection type.
/// </summary>
public sealed class TcpServer : INetworkServer
{
    private readonly Func<ConnectionInfo, IConnectionProtocol> _protocolFactory;
    private readonly ConcurrentDictionary<long, TcpConnection> _connections = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly SemaphoreSlim? _threadSlots;
    private Socket? _listener;
    private Timer? _idleSweep;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextId;
    private int _active;
    private int _stopping;

    public TcpServer(string name, Func<IConnectionProtocol> protocolFactory, TcpServerOptions? options = null,
        ILogger? logger = null)
        : this(name, _ => protocolFactory(), options, logger)
    {
    }

    /// <summary>A server whose cores are told which connection they serve (for client listings).</summary>
    public TcpServer(string name, Func<ConnectionInfo, IConnectionProtocol> protocolFactory, TcpServerOptions? options = null,
        ILogger? logger = null)
    {
        Name = name;
        _protocolFactory = protocolFactory;
        Options = options ?? new TcpServerOptions();
        Logger = logger ?? NullLogger.Instance;
        if (Options.Model == ConnectionModel.Threads && Options.MaxThreads > 0)
        {
            _threadSlots = new SemaphoreSlim(Options.MaxThreads, Options.MaxThreads);
        }
    }

    public string Name { get; }

    public string Transport => "tcp";

    public TcpServerOptions Options { get; }

    public IPEndPoint LocalEndPoint { get; private set; } = new(IPAddress.None, 0);

    public Task Completion => _completion.Task;

    /// <summary>Connections open now.</summary>
    public int ActiveConnections => Volatile.Read(ref _active);

    internal ILogger Logger { get; }

    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException($"The {Name} server is already started.");
        }

        _listener = SocketBinding.Listen(Options.EndPoint, SocketType.Stream, ProtocolType.Tcp, Options.Backlog);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        TransportLog.Listening(Logger, Name, Transport, LocalEndPoint, Options.Model.ToString().ToLowerInvariant());

        if (Options.IdleTimeout > TimeSpan.Zero)
        {
            // One timer per server, not per connection: an idle connection costs no timer.
            var period = TimeSpan.FromMilliseconds(Math.Clamp(Options.IdleTimeout.TotalMilliseconds / 4, 50, 1000));
            _idleSweep = new Timer(static state => ((TcpServer)state!).SweepIdle(), this, period, period);
        }

        if (Options.Model == ConnectionModel.Threads)
        {
            var thread = new Thread(AcceptLoopBlocking) { IsBackground = true, Name = $"{Name} accept" };
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _acceptLoop = done.Task;
            thread.Start(done);
        }
        else
        {
            _acceptLoop = Task.Run(AcceptLoopAsync);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            await Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        StopAccepting();
        await _acceptLoop.ConfigureAwait(false);

        var open = _connections.Values.ToArray();
        if (open.Length > 0)
        {
            TransportLog.Stopping(Logger, Name, open.Length);
        }

        foreach (var connection in open)
        {
            connection.RequestStop();
        }

        var all = Task.WhenAll(open.Select(c => c.Completion));
        try
        {
            await all.WaitAsync(Options.ShutdownGracePeriod, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException
                                      || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // A cancelled stop means "no longer graceful" (as for IHostedService.StopAsync): cut the rest now.
            // Returning with connections still running would leave Completion unset, and every later
            // StopAsync or DisposeAsync waiting on it for ever.
            var left = _connections.Values.ToArray();
            TransportLog.GraceExpired(Logger, Name, left.Length);
            foreach (var connection in left)
            {
                connection.Abort(ex is TimeoutException ? "cut: shutdown grace period over" : "cut: stop cancelled");
            }

            await all.ConfigureAwait(false);
        }

        _idleSweep?.Dispose();
        _completion.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopAccepting.Dispose();
        _threadSlots?.Dispose();
    }

    internal void OnConnectionFinished(TcpConnection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        Interlocked.Decrement(ref _active);
        NetKitMetrics.ConnectionsActive.Add(-1);
        if (Options.Model == ConnectionModel.Threads)
        {
            _threadSlots?.Release();
        }

        if (Options.Once)
        {
            _ = StopAsync();
        }
    }

    private void StopAccepting()
    {
        try
        {
            _stopAccepting.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _listener?.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
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

            var connection = Admit(socket, static (id, s, p, server) => new AsyncTcpConnection(id, s, p, server));
            if (connection is AsyncTcpConnection asyncConnection)
            {
                ThreadPool.UnsafeQueueUserWorkItem(asyncConnection, preferLocal: false);
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

                var connection = Admit(socket, static (id, s, p, server) => new ThreadedTcpConnection(id, s, p, server));
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

    /// <summary>Registers an accepted socket, or closes it at once when the server is full or stopping.</summary>
    private TcpConnection? Admit(Socket socket,
        Func<long, Socket, IConnectionProtocol, TcpServer, TcpConnection> create)
    {
        int active = Interlocked.Increment(ref _active);
        if ((Options.MaxConnections > 0 && active > Options.MaxConnections) || Volatile.Read(ref _stopping) != 0)
        {
            Interlocked.Decrement(ref _active);
            NetKitMetrics.ConnectionsRejected.Add(1);
            EndPoint? peer = null;
            try
            {
                peer = socket.RemoteEndPoint;
            }
            catch (SocketException)
            {
            }

            TransportLog.ConnectionLimitReached(Logger, Name, peer, Options.MaxConnections);
            socket.Dispose();
            return null;
        }

        try
        {
            socket.NoDelay = Options.NoDelay;
            long id = Interlocked.Increment(ref _nextId);
            var info = new ConnectionInfo(id, socket.RemoteEndPoint, socket.LocalEndPoint, DateTimeOffset.UtcNow);
            var connection = create(id, socket, _protocolFactory(info), this);
            _connections[connection.Id] = connection;
            NetKitMetrics.ConnectionsAccepted.Add(1);
            NetKitMetrics.ConnectionsActive.Add(1);
            TransportLog.NewConnection(Logger, Name, connection.Peer);
            return connection;
        }
        catch (Exception ex)
        {
            // The peer reset between accept and setup (nothing to serve), or the core could not be created:
            // either way this connection is dropped and the accept loop goes on.
            if (ex is not SocketException)
            {
                TransportLog.ConnectionFailed(Logger, ex, Name, null);
            }

            Interlocked.Decrement(ref _active);
            socket.Dispose();
            return null;
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

    private void SweepIdle()
    {
        long now = Environment.TickCount64;
        long limit = (long)Options.IdleTimeout.TotalMilliseconds;
        foreach (var connection in _connections.Values)
        {
            if (now - connection.LastActivity > limit)
            {
                connection.Abort($"idle for more than {Options.IdleTimeout.TotalSeconds:0.###} s");
            }
        }
    }
}
