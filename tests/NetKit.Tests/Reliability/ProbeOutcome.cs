namespace NetKit.Tests.Reliability;

/// <summary>How one <see cref="ServiceProbe"/> round trip ended.</summary>
internal enum ProbeOutcome
{
    /// <summary>The expected reply came back.</summary>
    Served,

    /// <summary>The server closed or reset the connection (as it does past <c>--max-connections</c>).</summary>
    Closed,

    /// <summary>Neither a reply nor a close within the timeout.</summary>
    TimedOut,

    /// <summary>Bytes came back, but not the expected ones.</summary>
    WrongReply,
}
