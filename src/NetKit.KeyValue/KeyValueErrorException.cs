namespace NetKit.KeyValue;

/// <summary>
/// The kv server answered a command with <c>ERR ...</c>: the exchange worked, the server refused the
/// command. Kept apart from <see cref="NetKit.Transport.NetKitException"/> (a failed exchange or a reply
/// that breaks the protocol) because a caller reports the two differently.
/// </summary>
public sealed class KeyValueErrorException : Exception
{
    public KeyValueErrorException(string reply)
        : base(reply)
    {
        Reply = reply;
    }

    /// <summary>The server's reply line, as sent (e.g. <c>ERR usage: SET &lt;key&gt; &lt;value&gt;</c>).</summary>
    public string Reply { get; }
}
