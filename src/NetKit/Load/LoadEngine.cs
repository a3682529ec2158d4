namespace NetKit.Load;

/// <summary>How the load generator drives its sockets.</summary>
public enum LoadEngine
{
    /// <summary><see cref="Epoll"/> on Linux, <see cref="Async"/> elsewhere.</summary>
    Auto,

    /// <summary>Linux: every connection on one thread, one epoll loop over non-blocking sockets through
    /// direct system calls, so the generator takes as little of a shared machine's CPU as it can.</summary>
    Epoll,

    /// <summary>Portable: one async loop per connection on the runtime's socket engine and thread pool.</summary>
    Async,
}
