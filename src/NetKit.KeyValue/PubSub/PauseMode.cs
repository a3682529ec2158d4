namespace NetKit.KeyValue;

/// <summary>What CLIENT PAUSE holds back, ordered from least to most: a later pause can only widen it.</summary>
internal enum PauseMode
{
    None,

    /// <summary>Commands that write or may propagate (PUBLISH); reads go on. Redis 7's WRITE.</summary>
    Write,

    /// <summary>Every command of every client but a monitor, CLIENT UNPAUSE included: only the timeout ends it.</summary>
    All,
}
