namespace NetKit.Transport;

/// <summary>How a TCP server runs its connections.</summary>
public enum ConnectionModel
{
    /// <summary><c>Socket</c> + <c>System.IO.Pipelines</c>: thousands of connections on a few pool threads,
    /// zero-byte reads so an idle connection holds no buffer.</summary>
    Async,

    /// <summary>The classic model: a blocking accept loop and one thread per connection.</summary>
    Threads,

    /// <summary>Linux only: one event loop per core over non-blocking sockets through direct system calls
    /// (epoll, accept4, recv, send), each core run on its loop's thread; an idle connection holds no buffer.</summary>
    Epoll,
}
