namespace NetKit.KeyValue;

internal enum RespParseStatus
{
    /// <summary>A whole request was parsed.</summary>
    Complete,

    /// <summary>The request is not all here yet: wait for more bytes.</summary>
    Incomplete,

    /// <summary>The bytes are not RESP: reply with the error and close, as Redis does.</summary>
    Error,
}
