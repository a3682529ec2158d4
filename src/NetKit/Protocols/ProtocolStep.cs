namespace NetKit.Protocols;

/// <summary>What one call of a protocol core did: how many input bytes it consumed, and whether the
/// connection should be closed once the replies written so far have been sent.</summary>
public readonly record struct ProtocolStep(long Consumed, bool Close)
{
    public static ProtocolStep Continue(long consumed) => new(consumed, false);
    public static ProtocolStep CloseAfter(long consumed) => new(consumed, true);
}
