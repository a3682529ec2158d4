namespace NetKit.Load;

/// <summary>What one round trip of the load generator sends and expects back.</summary>
public enum LoadPayload
{
    /// <summary>N arbitrary bytes, answered by the same N bytes (the echo service).</summary>
    Echo,

    /// <summary>A line of N-1 lower-case letters plus <c>\n</c>, answered by the same line upper-cased
    /// (the lines service), so request and reply are both N bytes.</summary>
    Lines,
}
