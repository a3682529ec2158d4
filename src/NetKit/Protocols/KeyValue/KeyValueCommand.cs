namespace NetKit.Protocols.KeyValue;

/// <summary>The kv commands, as named by a request's first word (inline) or first argument (RESP).</summary>
internal enum KeyValueCommand
{
    Unknown,
    Get,
    Set,
    Quit,
}
