namespace NetKit.KeyValue;

/// <summary>CLIENT REPLY ON|OFF|SKIP: what happens to a client's replies. Pub/sub's pushes go out whatever it says, as
/// in Redis, so a subscriber that silenced its replies still hears its confirmations and messages.</summary>
internal enum ReplySwitch
{
    On,

    /// <summary>No replies until CLIENT REPLY ON.</summary>
    Off,

    /// <summary>Set by CLIENT REPLY SKIP: the next command's reply is dropped.</summary>
    SkipNext,

    /// <summary>The command now running is the one SKIP named; replies come back after it.</summary>
    Skipping,
}
