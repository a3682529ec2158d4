namespace NetKit.Protocols;

/// <summary>
/// Implemented by a protocol core whose replies may only leave once something else has happened — kv
/// with <c>--fsync always</c> acknowledges a write only after it is on disk. The transport awaits
/// <see cref="WaitAsync"/> after each <see cref="IConnectionProtocol.Process"/> call that wrote
/// replies, before sending them.
/// </summary>
public interface IReplyGate
{
    /// <summary>Completes when the replies written so far may be sent.</summary>
    ValueTask WaitAsync(CancellationToken cancellationToken);
}
