namespace NetKit.Load;

/// <summary>What the bytes received so far say about the reply to the oldest request in flight.</summary>
internal enum ReplyCheck
{
    /// <summary>Not all of it is in yet (what is in is right so far).</summary>
    Incomplete,

    /// <summary>The whole reply is in and is the one expected.</summary>
    Complete,

    /// <summary>The reply is not the one the request must get: an error reply, other bytes, or malformed.</summary>
    Wrong,
}
