namespace NetKit.KeyValue;

/// <summary>What a command is allowed to do, as COMMAND INFO reports it and the dispatcher enforces it.</summary>
[Flags]
internal enum CommandFlags
{
    None = 0,
    Write = 1,
    ReadOnly = 2,
    /// <summary>Refused with -OOM when the server is over <c>--maxmemory</c>.</summary>
    DenyOom = 4,
    Fast = 8,
    /// <summary>Allowed before AUTH.</summary>
    NoAuth = 16,
    Admin = 32,
    Loading = 64,
    Stale = 128,
    /// <summary>Takes time in proportion to the keyspace (KEYS, SCAN, FLUSHALL): never run on an event-loop thread.</summary>
    MayBlock = 256,
    /// <summary>Runs other commands (EXEC): its reply waits for their writes to be durable, as a write's does.</summary>
    RunsCommands = 512,
    /// <summary>Refused inside MULTI (SHUTDOWN), as Redis's CMD_NO_MULTI: "Command not allowed inside a transaction".</summary>
    NoMulti = 1024,
}
