namespace NetKit.KeyValue;

/// <summary>A command queued between MULTI and EXEC: its request bytes copied (the receive buffer they came
/// in is reused) and its arguments as ranges of them.</summary>
internal sealed record QueuedCommand(byte[] Request, ArgRange[] Arguments);
