namespace NetKit.KeyValue.Persistence;

/// <summary>When the append-only log asks the OS to put written data on disk (Redis's <c>appendfsync</c>).</summary>
public enum FsyncPolicy
{
    /// <summary>Every write is on disk before it is acknowledged; concurrent writers share one fsync.</summary>
    Always,

    /// <summary>Written to the OS before it is acknowledged, on disk within about a second.</summary>
    EverySecond,

    /// <summary>Written to the OS; the OS decides when it reaches the disk.</summary>
    No,
}
