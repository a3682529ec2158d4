namespace NetKit.KeyValue.Persistence;

/// <summary>
/// Sorts failures of the data directory and its files into <see cref="StorageErrorKind"/>s by the OS error
/// (errno). On Unix .NET keeps the errno of an error it has no exception type for in
/// <see cref="Exception.HResult"/> (EROFS, ENOSPC, EDQUOT, and EWOULDBLOCK from a refused lock arrive so); where it maps the errno to a type instead and loses it (EACCES, EPERM and EISDIR become
/// <see cref="UnauthorizedAccessException"/>, ENOTDIR on the way to a file becomes
/// <see cref="DirectoryNotFoundException"/>, a file where a directory should be becomes EEXIST), the
/// <c>Classify...</c> overloads that take a path ask the file system again through libc.
/// </summary>
/// <remarks>Windows is classified by exception type only: permission denied, damaged log, locked, or other.</remarks>
public static class StorageErrors
{
    // The numbers POSIX systems inherited from early Unix, the same on Linux, macOS and the BSDs.
    internal const int NotPermitted = 1;   // EPERM
    internal const int NoEntry = 2;        // ENOENT
    internal const int AccessDenied = 13;  // EACCES
    internal const int NotDirectory = 20;  // ENOTDIR
    internal const int IsDirectory = 21;   // EISDIR
    internal const int NoSpaceLeft = 28;   // ENOSPC
    internal const int ReadOnly = 30;      // EROFS

    // The two this code needs that differ: the BSDs (macOS included) number them apart from Linux.
    internal static readonly int WouldBlock = IsBsd ? 35 : 11;        // EWOULDBLOCK (= EAGAIN)
    internal static readonly int QuotaExceeded = IsBsd ? 69 : 122;    // EDQUOT

    private static bool IsBsd => OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsFreeBSD();

    /// <summary>Classifies from the exception alone: its type, or the errno it carries.</summary>
    public static StorageErrorKind Classify(Exception exception) => exception switch
    {
        AppendOnlyLogCorruptException => StorageErrorKind.DamagedLog,
        DataDirectoryLockedException => StorageErrorKind.Locked,
        UnauthorizedAccessException => StorageErrorKind.PermissionDenied,
        IOException io when Errno(io) is > 0 and int errno => ClassifyErrno(errno),
        _ => StorageErrorKind.Other,
    };

    /// <summary>Classifies a failure to create or open <paramref name="directory"/> as a writable directory,
    /// asking the file system when the exception does not carry the errno.</summary>
    public static StorageErrorKind ClassifyDirectory(Exception exception, string directory)
    {
        var kind = Classify(exception);
        return NeedsProbe(exception, kind) ? Probed(StorageProbe.ProbeDirectory(directory), kind) : kind;
    }

    /// <summary>Classifies a failure to create or open the file <paramref name="path"/> for reading and
    /// writing, asking the file system when the exception does not carry the errno.</summary>
    public static StorageErrorKind ClassifyFile(Exception exception, string path)
    {
        var kind = Classify(exception);
        return NeedsProbe(exception, kind) ? Probed(StorageProbe.ProbeFile(path), kind) : kind;
    }

    /// <summary>The kind of one errno of this platform.</summary>
    internal static StorageErrorKind ClassifyErrno(int errno) => errno switch
    {
        NotPermitted or AccessDenied => StorageErrorKind.PermissionDenied,
        ReadOnly => StorageErrorKind.ReadOnlyFileSystem,
        NoSpaceLeft => StorageErrorKind.NoSpace,
        NotDirectory => StorageErrorKind.NotADirectory,
        IsDirectory => StorageErrorKind.IsADirectory,
        _ when errno == QuotaExceeded => StorageErrorKind.QuotaExceeded,
        // On a regular file only a refused non-blocking flock fails so, and that is how .NET takes FileShare.None.
        _ when errno == WouldBlock => StorageErrorKind.Locked,
        _ => StorageErrorKind.Other,
    };

    /// <summary>True for the failures storage must expect (a full disk, a read-only remount, a bad path) and
    /// report in one line, rather than treat as bugs.</summary>
    public static bool IsExpected(Exception exception) =>
        exception is IOException or UnauthorizedAccessException or AppendOnlyLogCorruptException;

    /// <summary>The kind in words, as the CLI prints it.</summary>
    public static string Describe(StorageErrorKind kind) => kind switch
    {
        StorageErrorKind.PermissionDenied => "permission denied",
        StorageErrorKind.ReadOnlyFileSystem => "read-only file system",
        StorageErrorKind.NoSpace => "no space left on device",
        StorageErrorKind.QuotaExceeded => "disk quota exceeded",
        StorageErrorKind.NotADirectory => "not a directory",
        StorageErrorKind.IsADirectory => "is a directory",
        StorageErrorKind.Locked => "locked by another netkit server",
        StorageErrorKind.DamagedLog => "damaged log",
        _ => "failed",
    };

    /// <summary>What went wrong in one line: the kind in words, or the exception's own message when it is of
    /// no kind this type knows.</summary>
    public static string Describe(Exception exception)
    {
        var kind = Classify(exception);
        return kind == StorageErrorKind.Other ? exception.Message : Describe(kind);
    }

    /// <summary>The errno .NET put in the exception, or 0 when it put something else there.</summary>
    private static int Errno(IOException exception) =>
        OperatingSystem.IsWindows() ? 0 : exception.HResult; // Elsewhere a negative HResult is .NET's own COR_E_ code.

    private static bool NeedsProbe(Exception exception, StorageErrorKind kind) =>
        kind == StorageErrorKind.Other || exception is UnauthorizedAccessException;

    private static StorageErrorKind Probed(int errno, StorageErrorKind fromException)
    {
        var probed = errno == 0 ? StorageErrorKind.Other : ClassifyErrno(errno);
        return probed == StorageErrorKind.Other ? fromException : probed;
    }
}
