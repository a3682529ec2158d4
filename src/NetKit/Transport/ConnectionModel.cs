namespace NetKit.Transport;

/// <summary>How a TCP server runs its connections.</summary>
public enum ConnectionModel
{
    /// <summary><c>Socket</c> + <c>System.IO.Pipelines</c>: thousands of connections on a few pool threads,
    /// zero-byte reads so an idle connection holds no buffer.</summary>
    Async,

    /// <summary>The classic model: a blocking accept loop and one thread per connection.</summary>
    Threads,
}
