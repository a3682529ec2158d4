namespace NetKit.Connections;

/// <summary>
/// A core that writes output no request of its own asked for (kv: pub/sub messages, MONITOR lines), or that
/// holds a request until something else lets it go on (kv: CLIENT PAUSE). Its connection hands it an
/// <see cref="ConnectionOutbox"/> before the first <see cref="IConnectionProtocol.Process"/>; anything may post
/// to it or wake it, and the connection then runs the core again without new input.
/// </summary>
public interface IPushingProtocol : IConnectionProtocol
{
    /// <summary>The connection's outbox, given once, before the first call of <see cref="IConnectionProtocol.Process"/>.</summary>
    void AttachOutbox(ConnectionOutbox outbox);
}
