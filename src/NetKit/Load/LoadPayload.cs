namespace NetKit.Load;

/// <summary>What one request of the load generator sends and what its reply must be.</summary>
public enum LoadPayload
{
    /// <summary>N arbitrary bytes, answered by the same N bytes (the echo service).</summary>
    Echo,

    /// <summary>A line of N-1 lower-case letters plus <c>\n</c>, answered by the same line upper-cased
    /// (the lines service), so request and reply are both N bytes.</summary>
    Lines,

    /// <summary>One connection per request: N bytes, a half-close, and the reply <c>N\n</c> (the count service).</summary>
    Count,

    /// <summary>kv's text protocol: <c>GET key</c> / <c>SET key value</c> lines, answered by text lines.</summary>
    KvInline,

    /// <summary>kv or redis-server in RESP2: GET / SET as arrays of bulk strings, answered in RESP.</summary>
    KvResp,
}
