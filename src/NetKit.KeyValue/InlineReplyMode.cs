namespace NetKit.KeyValue;

/// <summary>How a kv server answers inline (non-RESP) commands.</summary>
public enum InlineReplyMode
{
    /// <summary>The seed's text protocol (<c>OK</c>, <c>(nil)</c>) until the connection sends a RESP request;
    /// from then on, Redis's RESP replies, as Redis answers a connection's inline commands.</summary>
    Text,

    /// <summary>Redis's RESP replies from the first byte (<c>+PONG</c>, <c>+OK</c>, <c>$-1</c>), so the
    /// port behaves as a Redis port for <c>redis-cli --pipe</c> and <c>nc</c> health checks.</summary>
    Resp,
}
