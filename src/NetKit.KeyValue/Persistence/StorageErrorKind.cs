namespace NetKit.KeyValue.Persistence;

/// <summary>
/// The kinds of storage failure the kv data directory and its log tell apart, each with its own exit code in
/// the CLI. Sorted by the OS error (errno), never by exception type or message text (see <see cref="StorageErrors"/>).
/// </summary>
public enum StorageErrorKind
{
    Other = 0,

    /// <summary>EACCES, EPERM.</summary>
    PermissionDenied,

    /// <summary>EROFS.</summary>
    ReadOnlyFileSystem,

    /// <summary>ENOSPC.</summary>
    NoSpace,

    /// <summary>EDQUOT: the same remedy as a full disk, but the disk may not be full, so it is named apart.</summary>
    QuotaExceeded,

    /// <summary>ENOTDIR: the data directory, or a folder on the way to it, is a file.</summary>
    NotADirectory,

    /// <summary>EISDIR: a file the server needs (the log, its lock) is a directory.</summary>
    IsADirectory,

    /// <summary>Another server holds the data directory's lock.</summary>
    Locked,

    /// <summary>The log is damaged before its end (<see cref="AppendOnlyLogCorruptException"/>).</summary>
    DamagedLog,
}
