using System.Runtime.InteropServices;

namespace NetKit.KeyValue.Persistence;

/// <summary>
/// Asks the file system, through libc's <c>access</c>, for the errno a .NET exception lost (see
/// <see cref="StorageErrors"/>). <c>access</c> changes nothing, and it reports EROFS even to root, for whom
/// permission checks otherwise pass. 0 means nothing wrong was found, or that this platform cannot be asked.
/// </summary>
internal static class StorageProbe
{
    private const int Exists = 0;      // F_OK
    private const int Searchable = 1;  // X_OK
    private const int Writable = 2;    // W_OK
    private const int Readable = 4;    // R_OK

    /// <summary>The errno that stops <paramref name="directory"/> being created or used as a writable directory.</summary>
    public static int ProbeDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return 0;
        }

        try
        {
            return DirectoryErrno(directory);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>The errno that stops <paramref name="path"/> being created or opened for reading and writing.</summary>
    public static int ProbeFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return 0;
        }

        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } parent && DirectoryErrno(parent) is not 0 and int errno)
            {
                return errno;
            }

            if (Access(Path.Join(path, "."), Exists) == 0)
            {
                return StorageErrors.IsDirectory;
            }

            if (Access(path, Readable | Writable) == 0)
            {
                return 0;
            }

            // Missing is fine: whether it can be created is what the directory's probe answered.
            int error = Marshal.GetLastPInvokeError();
            return error == StorageErrors.NoEntry ? 0 : error;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    private static int DirectoryErrno(string directory)
    {
        // "dir/." fails with ENOTDIR when dir, or anything on the way to it, is a file; "dir" alone would pass.
        if (Access(Path.Join(directory, "."), Exists) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            if (error == StorageErrors.NoEntry
                && Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory)) is { Length: > 0 } parent)
            {
                // Not there yet: whatever stops it being created is in the nearest folder that is.
                return DirectoryErrno(parent);
            }

            return error;
        }

        return Access(directory, Writable | Searchable) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which the build does not allow; these calls are rare.
    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int Access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);
#pragma warning restore SYSLIB1054
}
