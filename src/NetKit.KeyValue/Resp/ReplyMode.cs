namespace NetKit.KeyValue;

/// <summary>How replies are written: the seed's plain text (inline requests) or RESP2 (multibulk requests).</summary>
internal enum ReplyMode
{
    /// <summary><c>OK</c>, the value, <c>(nil)</c>, <c>ERR ...</c>: one line each, ending in <c>\n</c>.</summary>
    Text,

    /// <summary>Redis's RESP2.</summary>
    Resp,

    /// <summary>RESP3, after HELLO 3: nulls, maps, sets, doubles, verbatim strings and pushes of their own types.</summary>
    Resp3,
}
