namespace NetKit.KeyValue;

/// <summary>Where a client's blocking list command is (see <see cref="BlockedClient"/>).</summary>
internal enum BlockState
{
    /// <summary>Not blocked: the next blocking command starts afresh.</summary>
    None,

    Waiting,

    /// <summary>A push was served to it; its rerun writes the elements.</summary>
    Served,

    /// <summary>Its timeout passed, or CLIENT UNBLOCK ... TIMEOUT: its rerun replies nil.</summary>
    TimedOut,

    /// <summary>CLIENT UNBLOCK ... ERROR: its rerun replies -UNBLOCKED.</summary>
    Unblocked,

    /// <summary>A BLMOVE whose destination held another type when a push came: its rerun replies WRONGTYPE,
    /// and the element stays where it was, as in Redis 7.0.</summary>
    WrongType,
}
