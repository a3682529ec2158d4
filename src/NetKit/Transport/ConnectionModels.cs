namespace NetKit.Transport;

/// <summary>Which <see cref="ConnectionModel"/> a server runs when none is named.</summary>
public static class ConnectionModels
{
    /// <summary>
    /// The fastest model measured for the platform: epoll on Linux (about 1.6–1.8× the round trips per
    /// server CPU-second of async for echo and lines here, see the README's numbers), async elsewhere.
    /// </summary>
    public static ConnectionModel Default { get; } = OperatingSystem.IsLinux() ? ConnectionModel.Epoll : ConnectionModel.Async;
}
