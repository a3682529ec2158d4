namespace NetKit.Load;

/// <summary>The kv command each request sends.</summary>
public enum KvOperation
{
    /// <summary>GET of a key from the key space; a missing key's nil is a valid reply.</summary>
    Get,

    /// <summary>SET of a key from the key space, to a constant value or to one that changes each request.</summary>
    Set,
}
