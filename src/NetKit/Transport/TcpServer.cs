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

/// <summary>
/// A stream server (TCP or a Unix socket, plain or TLS) that runs one protocol core per connection, in any of
/// the connection models. It owns the listeners (the main one, and a TLS one beside it when asked), the accept
/// loops, the connection registry, the idle sweep and the graceful stop; the per-connection loops live in the
/// model's connection type. A TLS listener's connections run the TLS model whatever the model is.
/// </summary>
public sealed partial class TcpServer : INetworkServer, IMeteredServer
{
    private readonly Func<ConnectionInfo, IConnectionProtocol> _protocolFactory;
    private readonly ConcurrentDictionary<long, ServerConnection> _connections = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly SemaphoreSlim? _threadSlots;
    private Socket? _listener;
    private Socket? _tlsListener;
    private EpollLoopGroup? _loops;
    private ITimer? _idleSweep;
    private Task _acceptLoop = Task.CompletedTask;
    private const int RefusalReportIntervalMs = 10_000;
    private long _nextId;
    private int _active;
    private int _stopping;
    private int _onceClaimed;
    private long _refusedSinceReport;
    private long _lastRefusalReport = Environment.TickCount64;
    private readonly KeyValuePair<string, object?> _serviceTag;
    private long _closedBytesReceived; // totals of finished connections; live ones are summed when read
    private long _closedBytesSent;

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
        _serviceTag = NetKitMetrics.ServiceTag(name);
        _protocolFactory = protocolFactory;
        Options = options ?? new TcpServerOptions();
        Logger = logger ?? NullLogger.Instance;
        Limits = new ConnectionLimits
        {
            MaxBufferedInput = Options.MaxBufferedInput,
            IdleTimeout = Options.IdleTimeout,
            OutputLimit = Options.OutputLimit,
            SubscriberOutputLimit = Options.SubscriberOutputLimit,
            MinRequestDataRate = Options.MinRequestDataRate,
            MinRequestDataRateGracePeriod = Options.MinRequestDataRateGracePeriod,
            Clock = Options.TimeProvider,
            Service = name,
            TimesRequests = !Options.CoreTimesRequests,
        };
        if (Options.Model == ConnectionModel.Threads && Options.MaxThreads > 0)
        {
            _threadSlots = new SemaphoreSlim(Options.MaxThreads, Options.MaxThreads);
        }
    }

    public string Name { get; }

    public string Transport => "tcp";

    public TcpServerOptions Options { get; }

    /// <summary>What the connection loop enforces on each of this server's connections.</summary>
    internal ConnectionLimits Limits { get; }

    /// <summary>The main listener's bound endpoint: an <see cref="IPEndPoint"/> with the real port, or the
    /// <see cref="UnixDomainSocketEndPoint"/> listened on.</summary>
    public EndPoint LocalEndPoint { get; private set; } = new IPEndPoint(IPAddress.None, 0);

    /// <summary>Where TLS is served: the main endpoint, the TLS listener's beside it, or null without TLS.</summary>
    public EndPoint? TlsEndPoint { get; private set; }

    public IReadOnlyList<ServerListener> Listeners { get; private set; } = [];

    /// <summary>Set when the main listener is a Unix socket: it stands for the peer (Redis's <c>addr=PATH:0</c>),
    /// which a Unix socket client has no address of its own for.</summary>
    internal UnixDomainSocketEndPoint? UnixEndPoint { get; private set; }

    /// <summary>True when the main listener speaks TLS (<see cref="TcpServerOptions.Tls"/> without a TLS endpoint).</summary>
    private bool MainIsTls => Options.Tls is not null && Options.TlsEndPoint is null;

    public Task Completion => _completion.Task;

    /// <summary>Threads model with a cap: connection threads that may still start (-1 without a cap).</summary>
    internal int FreeThreadSlots => _threadSlots?.CurrentCount ?? -1;

    /// <summary>Bytes received on this server's connections, finished and open.</summary>
    public long BytesReceived => Volatile.Read(ref _closedBytesReceived) + _connections.Values.Sum(static c => c.BytesReceived);

    /// <summary>Bytes of replies sent on this server's connections, finished and open.</summary>
    public long BytesSent => Volatile.Read(ref _closedBytesSent) + _connections.Values.Sum(static c => c.BytesSent);

    /// <summary>Connections open now.</summary>
    public int ActiveConnections => Volatile.Read(ref _active);

    internal ILogger Logger { get; }

    /// <summary>The epoll model's loops (null in the other models), for the tests' look inside.</summary>
    internal EpollLoopGroup? EventLoops => _loops;

    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException($"The {Name} server is already started.");
        }

        if (Options.TlsEndPoint is not null && Options.Tls is null)
        {
            throw new InvalidOperationException($"The {Name} server has a TLS endpoint but no TLS certificate.");
        }

        bool epoll = Options.Model == ConnectionModel.Epoll && !MainIsTls;
        if (epoll && !OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException(
                $"The {Name} server cannot use the epoll connection model: it needs Linux (use async elsewhere).");
        }

        _listener = SocketBinding.Listen(Options.EndPoint, SocketType.Stream, Options.Backlog, Options.UnixSocketPermissions);
        try
        {
            if (Options.TlsEndPoint is { } tlsEndPoint)
            {
                _tlsListener = SocketBinding.Listen(tlsEndPoint, SocketType.Stream, Options.Backlog);
            }

            if (epoll)
            {
                _loops = new EpollLoopGroup(this, _listener,
                    Options.EventLoops > 0 ? Options.EventLoops : Environment.ProcessorCount);
            }
        }
        catch
        {
            _tlsListener?.Dispose();
            _listener.Dispose();
            throw;
        }

        LocalEndPoint = _listener.LocalEndPoint!;
        UnixEndPoint = LocalEndPoint as UnixDomainSocketEndPoint;
        NetKitMetrics.Track(this);
        TlsEndPoint = MainIsTls ? LocalEndPoint : _tlsListener?.LocalEndPoint;
        Listeners = _tlsListener is null
            ? [new ServerListener(LocalEndPoint, MainIsTls)]
            : [new ServerListener(LocalEndPoint, false), new ServerListener(_tlsListener.LocalEndPoint!, true)];
        TransportLog.Listening(Logger, Name, MainIsTls ? "tls" : Transport, LocalEndPoint,
            MainIsTls ? "tls" : Options.Model.ToString().ToLowerInvariant());
        if (_tlsListener is not null)
        {
            TransportLog.Listening(Logger, Name, "tls", _tlsListener.LocalEndPoint!, "tls");
        }

        // One timer per server, not per connection: an idle connection costs no timer. It enforces the idle
        // timeout, the output limit and the minimum data rate, and reports refused connections.
        var period = Options.IdleTimeout > TimeSpan.Zero
            ? TimeSpan.FromMilliseconds(Math.Clamp(Options.IdleTimeout.TotalMilliseconds / 4, 50, 1000))
            : TimeSpan.FromSeconds(1);
        _idleSweep = Options.TimeProvider.CreateTimer(static state => ((TcpServer)state!).Sweep(), this, period, period);

        Task main;
        if (_loops is not null)
        {
            main = _loops.AcceptStopped;
            _loops.Start();
        }
        else if (Options.Model == ConnectionModel.Threads && !MainIsTls)
        {
            var thread = new Thread(AcceptLoopBlocking) { IsBackground = true, Name = $"{Name} accept" };
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            main = done.Task;
            thread.Start(done);
        }
        else
        {
            var listener = _listener;
            bool tls = MainIsTls;
            main = Task.Run(() => AcceptLoopAsync(listener, tls));
        }

        if (_tlsListener is { } second)
        {
            _acceptLoop = Task.WhenAll(main, Task.Run(() => AcceptLoopAsync(second, tls: true)));
        }
        else
        {
            _acceptLoop = main;
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
        _loops?.Dispose();
        ReportRefusals(Environment.TickCount64, force: true);
        _completion.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopAccepting.Dispose();
        _threadSlots?.Dispose();
    }

    internal void OnConnectionFinished(ServerConnection connection)
    {
        Interlocked.Add(ref _closedBytesReceived, connection.BytesReceived);
        Interlocked.Add(ref _closedBytesSent, connection.BytesSent);
        _connections.TryRemove(connection.Id, out _);
        Interlocked.Decrement(ref _active);
        DescriptorBudget.Release();
        NetKitMetrics.ConnectionsActive.Add(-1, _serviceTag);
        if (connection is ThreadedTcpConnection)
        {
            _threadSlots?.Release();
        }

        if (Options.Once)
        {
            _ = StopAsync();
        }
    }

    /// <summary>The epoll model's --once: its loop accepted the one connection.</summary>
    internal void StopAcceptingAfterOnce() => StopAccepting();

    private void StopAccepting()
    {
        try
        {
            _stopAccepting.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        if (_loops is not null)
        {
            // The loops close the listener once none of them can call accept4 on it any more.
            _loops.StopAccepting();
        }
        else
        {
            _listener?.Dispose();
        }

        _tlsListener?.Dispose();
    }

    /// <summary>Cuts the connection of <paramref name="connectionId"/> (the id its core was given in
    /// <see cref="ConnectionInfo"/>), as the sweep cuts one: for a core's command that kills another client.</summary>
    /// <returns>False when no such connection is open.</returns>
    public bool TryAbort(long connectionId, string reason)
    {
        if (!_connections.TryGetValue(connectionId, out var connection))
        {
            return false;
        }

        connection.Abort(reason);
        return true;
    }

    /// <summary>The idle timeout in force; set while running (kv's CONFIG SET timeout), the sweep applies it from its next turn.</summary>
    public TimeSpan IdleTimeout
    {
        get => Limits.IdleTimeout;
        set => Limits.IdleTimeout = value;
    }

    /// <summary>The output limits in force, normal and subscriber; set while running (kv's CONFIG SET
    /// client-output-buffer-limit), every connection is held to them from its next check.</summary>
    public (OutputBufferLimit Normal, OutputBufferLimit Subscriber) OutputLimits
    {
        get => (Limits.OutputLimit, Limits.SubscriberOutputLimit);
        set => (Limits.OutputLimit, Limits.SubscriberOutputLimit) = (value.Normal, value.Subscriber);
    }

    private void Sweep()
    {
        long now = Limits.NowMs();
        foreach (var connection in _connections.Values)
        {
            if (connection.CheckLimits(now) is { } reason)
            {
                connection.Abort(reason);
            }
        }

        ReportRefusals(Environment.TickCount64, force: false);
    }
}
