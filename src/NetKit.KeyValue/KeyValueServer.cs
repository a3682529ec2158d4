using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Connections;
using NetKit.KeyValue.Persistence;
using NetKit.Transport;

namespace NetKit.KeyValue;

/// <summary>
/// One kv server: its database, its log (with a data directory) and its listener, and the order they start
/// and stop in. Starting opens the data directory (lock, replay) before listening, so no client sees a
/// half-loaded store; stopping stops the listener first (connections finish their current request), then
/// writes, syncs and closes the log, then releases the directory. In a test:
/// <code>await using var server = await KeyValueServer.StartAsync(new() { Port = 0 });</code>
/// </summary>
public sealed class KeyValueServer : INetworkServer
{
    /// <summary>Redis's reply to a connection past maxclients, sent before it is closed.</summary>
    private static readonly byte[] MaxClientsReached = "-ERR max number of clients reached\r\n"u8.ToArray();

    private readonly ILoggerFactory _loggerFactory;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DataDirectory? _dataDirectory;
    private TcpServer? _listener;
    private Task? _stopping;
    private bool _opened;

    public KeyValueServer(KeyValueServerOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        Options = options ?? new KeyValueServerOptions();
        if (Options.Store is not null && Options.DataDirectory is not null)
        {
            throw new ArgumentException("a data directory is replayed into a new store: give a store or a data directory, not both", nameof(options));
        }

        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Database = new KeyValueDatabase(new KeyValueOptions
        {
            MaxLineLength = Options.MaxLineLength,
            MaxBulkLength = Options.MaxBulkLength,
            MaxMemory = Options.MaxMemory,
            Databases = Options.Databases,
            RequirePass = Options.RequirePass,
            MaxClients = Options.MaxConnections,
            DataDirectory = Options.DataDirectory is null ? null : Path.GetFullPath(Options.DataDirectory),
            Fsync = Options.Fsync.ToName(),
            InlineReplies = Options.InlineReplies,
            NotifyKeyspaceEvents = Options.NotifyKeyspaceEvents,
        }, Options.Store);
    }

    public KeyValueServerOptions Options { get; }

    /// <summary>The data and the state every connection shares.</summary>
    public KeyValueDatabase Database { get; }

    /// <summary>The append-only log once the data directory is open; null in memory.</summary>
    public AppendOnlyLog? Log => _dataDirectory?.Log;

    /// <summary>The full path of the data directory; null in memory.</summary>
    public string? DataDirectory => Database.Options.DataDirectory;

    public string Name => KeyValueService.Definition.Name;

    public string Transport => "tcp";

    /// <summary>The endpoint listened on, with the real port when port 0 was asked for.</summary>
    public EndPoint EndPoint => LocalEndPoint;

    /// <inheritdoc />
    public EndPoint LocalEndPoint => _listener?.LocalEndPoint ?? throw new InvalidOperationException("the server has not started");

    /// <summary>Where TLS is served (the TLS port, or the one endpoint when it is TLS only); null without TLS.</summary>
    public EndPoint? TlsEndPoint => (_listener ?? throw new InvalidOperationException("the server has not started")).TlsEndPoint;

    /// <inheritdoc />
    public IReadOnlyList<ServerListener> Listeners => _listener?.Listeners ?? [];

    /// <summary>Completes once the server has stopped and closed its log.</summary>
    public Task Completion => _stopped.Task;

    /// <summary>Starts a server and returns it listening; dispose it to stop it.</summary>
    /// <exception cref="ProtectedModeException">It would listen beyond loopback without a password.</exception>
    /// <exception cref="KeyValueStorageException">The data directory cannot be used.</exception>
    /// <exception cref="NetKitException">The address cannot be listened on.</exception>
    public static async Task<KeyValueServer> StartAsync(KeyValueServerOptions? options = null, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        var server = new KeyValueServer(options, loggerFactory);
        try
        {
            // Replaying a big log takes a while: not on the caller's thread.
            await Task.Run(server.Start, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Checks protected mode and opens the data directory (lock, replay), without listening yet: a host that
    /// runs other services too opens this first, so nothing listens while the log is replayed. Done once.
    /// </summary>
    /// <exception cref="ProtectedModeException">It would listen beyond loopback without a password.</exception>
    /// <exception cref="KeyValueStorageException">The data directory cannot be used.</exception>
    public void Open()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping is not null, this);
            if (_opened)
            {
                return;
            }

            // A Unix socket is reached from this machine only, as loopback is: Redis's protected mode lets it be.
            if (Options.ListenEndPoint is IPEndPoint ip
                && ProtectedMode.Check(ip.Address, Options.RequirePass is not null) is { } refusal)
            {
                throw new ProtectedModeException(refusal);
            }

            if (DataDirectory is { } directory)
            {
                _dataDirectory = Persistence.DataDirectory.Open(directory, Options.Fsync, Database.Store, Options.RepairLog,
                    _loggerFactory.CreateLogger("NetKit.kv.log"));
                Database.AttachLog(_dataDirectory.Log);
            }

            _opened = true;
        }
    }

    /// <summary>Opens the data directory if not yet done (<see cref="Open"/>), then listens.</summary>
    /// <exception cref="NetKitException">The address cannot be listened on.</exception>
    public void Start()
    {
        Open();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping is not null, this);
            if (_listener is not null)
            {
                return;
            }

            KeyValueMetrics.Track(Database);
            Database.StartExpirySweep();
            var listener = new TcpServer(Name, info => new KeyValueProtocol(Database, info), ListenerOptions(),
                _loggerFactory.CreateLogger($"NetKit.{Name}"));
            // CONFIG SET timeout, CLIENT KILL and SHUTDOWN reach the listener and this server through the database.
            Database.IdleTimeoutSeconds = (int)Math.Min(int.MaxValue, Options.IdleTimeout.TotalSeconds);
            Database.IdleTimeoutChanged = timeout => listener.IdleTimeout = timeout;
            Database.OutputLimits = ClientOutputLimits.Default with { Normal = Options.OutputLimit, Subscriber = Options.SubscriberOutputLimit };
            Database.OutputLimitsChanged = limits => listener.OutputLimits = (limits.Normal, limits.Subscriber);
            Database.KillConnection = id => listener.TryAbort(id, "killed by CLIENT KILL");
            Database.Shutdown = () => _ = StopAsync();
            listener.Start();
            _listener = listener;
        }

        // A listener that ends by itself still closes the log.
        _ = _listener.Completion.ContinueWith(static (_, state) => ((KeyValueServer)state!).StopAsync(), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Stops the listener (connections finish their current request within the grace period; a
    /// cancelled <paramref name="cancellationToken"/> cuts them), then writes, syncs and closes the log and
    /// releases the data directory. Later calls return the same stop.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _stopping ??= StopCoreAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        // Yield first: the caller holds _gate.
        await Task.Yield();
        try
        {
            if (_listener is not null)
            {
                await _listener.StopAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            try
            {
                // Only now: no connection is left to record a change the closed log would miss.
                if (_dataDirectory is not null)
                {
                    await _dataDirectory.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                Database.Dispose();
                _stopped.TrySetResult();
            }
        }
    }

    private TcpServerOptions ListenerOptions() => new()
    {
        EndPoint = Options.ListenEndPoint,
        Tls = Options.Tls,
        TlsEndPoint = Options.TlsListenEndPoint,
        UnixSocketPermissions = Options.UnixSocketPermissions,
        Model = Options.Model,
        MaxConnections = Options.MaxConnections,
        MaxThreads = Options.MaxThreads,
        EventLoops = Options.EventLoops,
        IdleTimeout = Options.IdleTimeout,
        ShutdownGracePeriod = Options.ShutdownGracePeriod,
        OutputLimit = Options.OutputLimit,
        SubscriberOutputLimit = Options.SubscriberOutputLimit,
        TimeProvider = Options.TimeProvider,
        MinRequestDataRate = Options.MinRequestDataRate,
        // A RESP bulk string may be far larger than a line: the connection may buffer one whole request.
        MaxBufferedInput = (int)Math.Min(int.MaxValue - 1, Options.MaxBulkLength + (1024 * 1024)),
        RefusalMessage = MaxClientsReached,
        // Each command is timed where it runs, tagged with its name.
        CoreTimesRequests = true,
    };
}
