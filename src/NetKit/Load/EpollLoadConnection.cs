using System.Net.Sockets;

namespace NetKit.Load;

/// <summary>The epoll engine's view of one connection: its socket, descriptor and what epoll watches on it.</summary>
internal sealed class EpollLoadConnection
{
    public Socket? Socket { get; set; }

    public int Fd { get; set; } = -1;

    public LoadSession? Session { get; set; }

    /// <summary>A non-blocking connect is in progress: its completion is the socket turning writable.</summary>
    public bool Connecting { get; set; }

    public long ConnectStartedAt { get; set; }

    /// <summary>EPOLLOUT is being watched: only while a send would block, as Redis's event loop does.</summary>
    public bool WatchingWrite { get; set; }

    public bool HalfClosed { get; set; }

    public bool Open => Socket is not null && !Connecting;
}
