using System.Runtime.InteropServices;

namespace NetKit.KeyValue.Persistence;

/// <summary>
/// fsync of a directory, so that a rename inside it survives a power loss. .NET cannot open a directory
/// as a file, hence libc directly; where that is not available the rename is still atomic, just not
/// yet durable, so failure is reported and otherwise ignored.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY

    /// <summary>True when the directory's entries are on disk (false on Windows, where NTFS journals renames itself).</summary>
    public static bool TrySync(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return false;
        }

        try
        {
            int fd = Open(directory, ReadOnly);
            if (fd < 0)
            {
                return false;
            }

            try
            {
                return Fsync(fd) == 0;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which the build does not allow; these calls are rare.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
#pragma warning restore SYSLIB1054
}
