using NetKit.Transport;

namespace NetKit.Load;

/// <summary>
/// One engine's run: opens the connections, then drives their sessions through warm-up, the measured
/// window and the drain that waits for replies still in flight. <see cref="Started"/> says when load
/// begins (null: no connection could be opened); <see cref="Completion"/> when every socket is closed.
/// </summary>
internal abstract class LoadDriver
{
    private readonly TaskCompletionSource<LoadSchedule?> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connectFailures;
    private NetKitException? _firstConnectError;

    protected LoadDriver(LoadOptions options, LoadWorkload workload, LatencyHistogram latency)
    {
        Options = options;
        Workload = workload;
        Latency = latency;
        Target = options.Target.ToString();
    }

    public LoadOptions Options { get; }

    public LoadWorkload Workload { get; }

    public LatencyHistogram Latency { get; }

    public string Target { get; }

    public Task<LoadSchedule?> Started => _started.Task;

    public Task Completion => _completed.Task;

    /// <summary>One per connection that opened, set before <see cref="Started"/> completes.</summary>
    public IReadOnlyList<LoadSession> Sessions { get; protected set; } = [];

    /// <summary>Connections that could not be opened before the load started.</summary>
    public int ConnectFailures => Volatile.Read(ref _connectFailures);

    public NetKitException? FirstConnectError => Volatile.Read(ref _firstConnectError);

    /// <summary>Starts the run; <paramref name="cancellationToken"/> cancels it while connections are opened.</summary>
    public abstract void Start(CancellationToken cancellationToken);

    /// <summary>Stops waiting for replies: what is in flight now counts as timed out.</summary>
    public abstract void Abort();

    protected void ConnectFailed(NetKitException error)
    {
        Interlocked.Increment(ref _connectFailures);
        Interlocked.CompareExchange(ref _firstConnectError, error, null);
    }

    protected void SetStarted(LoadSchedule? schedule) => _started.TrySetResult(schedule);

    protected void SetStartCanceled(CancellationToken cancellationToken) => _started.TrySetCanceled(cancellationToken);

    protected void SetStartFailed(Exception exception)
    {
        _started.TrySetException(exception);
        _completed.TrySetException(exception);
    }

    protected void SetCompleted() => _completed.TrySetResult();

    public static LoadDriver Create(LoadOptions options, LoadWorkload workload)
    {
        if (options.EffectiveEngine == LoadEngine.Epoll && OperatingSystem.IsLinux())
        {
            return new EpollLoadDriver(options, workload, new LatencyHistogram());
        }

        return new AsyncLoadDriver(options, workload, new LatencyHistogram(concurrent: true));
    }
}
