namespace NetKit.Load;

/// <summary>
/// One target's requests and the check of their replies, without sockets: the engines only move bytes.
/// Requests of one run all have the same length, so a connection's buffers are sized once, up front.
/// </summary>
internal abstract class LoadWorkload
{
    /// <summary>The length of every request.</summary>
    public abstract int RequestSize { get; }

    /// <summary>The longest reply the check can hold whole before it decides; longer is counted as wrong.</summary>
    public abstract int MaxReplySize { get; }

    /// <summary>Each request is a connection of its own: send, half-close, read the reply, close (count).</summary>
    public virtual bool ConnectionPerRequest => false;

    /// <summary>Writes request <paramref name="sequence"/> of connection <paramref name="connection"/>.</summary>
    public abstract void WriteRequest(Span<byte> destination, int connection, long sequence);

    /// <summary>Checks the start of <paramref name="data"/> as the next reply. <paramref name="state"/> belongs
    /// to the connection, is 0 at the start of each reply and is for the check alone; <paramref name="consumed"/>
    /// is how much of <paramref name="data"/> the check has used up (it may be part of a reply).</summary>
    public abstract ReplyCheck Check(ReadOnlySpan<byte> data, ref int state, out int consumed);

    public static LoadWorkload Create(LoadOptions options) => options.Payload switch
    {
        LoadPayload.Echo => FixedReplyWorkload.Echo(options.MessageSize),
        LoadPayload.Lines => FixedReplyWorkload.Lines(options.MessageSize),
        LoadPayload.Count => FixedReplyWorkload.Count(options.MessageSize),
        LoadPayload.KvInline => new KvInlineWorkload(options),
        LoadPayload.KvResp => new KvRespWorkload(options),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Payload, "unknown payload"),
    };
}
