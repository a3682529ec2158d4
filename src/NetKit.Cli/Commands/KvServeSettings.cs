using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;

namespace NetKit.Cli.Commands;

/// <summary>How the kv server of a serve command keeps its data and whom it lets in.</summary>
/// <param name="Options">Limits and password (the connection limit and line length are filled in from the server's settings).</param>
/// <param name="DataDirectory">Full path of the append-only log's directory; null = in memory only.</param>
/// <param name="Fsync">When the log is forced to disk.</param>
/// <param name="RepairLog">Truncate a log damaged before its end instead of refusing to start.</param>
public sealed record KvServeSettings(KeyValueOptions Options, string? DataDirectory, FsyncPolicy Fsync, bool RepairLog)
{
    /// <summary>In memory, no password, default limits: what a caller that has no kv options gets.</summary>
    public static KvServeSettings InMemory { get; } = new(new KeyValueOptions(), null, FsyncPolicy.EverySecond, false);
}
