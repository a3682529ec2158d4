using NetKit.KeyValue.Persistence;
using NetKit.Transport;

namespace NetKit.Cli;

/// <summary>
/// Exit codes only the <c>netkit</c> command produces, beyond the network kinds of
/// <see cref="NetKit.Transport.ExitCodes"/> (0–10); numbered after them so the two never collide.
/// </summary>
public static class CliExitCodes
{
    /// <summary>kv refused to start: it would listen beyond loopback without a password (protected mode).</summary>
    public const int ProtectedMode = 11;

    /// <summary>Another server holds the kv data directory.</summary>
    public const int DataDirectoryLocked = 12;

    /// <summary>The kv log is damaged before its end (start with --repair-log).</summary>
    public const int DamagedLog = 13;

    /// <summary>No space left on the device, or the disk quota is used up.</summary>
    public const int NoSpace = 14;

    public const int ReadOnlyFileSystem = 15;

    /// <summary>A file where a directory should be, or a directory where a file should be.</summary>
    public const int WrongFileType = 16;

    public static int For(StorageErrorKind kind) => kind switch
    {
        StorageErrorKind.PermissionDenied => ExitCodes.PermissionDenied,
        StorageErrorKind.Locked => DataDirectoryLocked,
        StorageErrorKind.DamagedLog => DamagedLog,
        StorageErrorKind.NoSpace or StorageErrorKind.QuotaExceeded => NoSpace,
        StorageErrorKind.ReadOnlyFileSystem => ReadOnlyFileSystem,
        StorageErrorKind.NotADirectory or StorageErrorKind.IsADirectory => WrongFileType,
        _ => ExitCodes.Failure,
    };
}
