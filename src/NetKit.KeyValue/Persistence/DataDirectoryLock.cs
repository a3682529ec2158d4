using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace NetKit.KeyValue.Persistence;

/// <summary>
/// Held while a server uses a data directory: two servers appending to one log would interleave their records
/// and each replay the other's writes as its own. The lock file holds the owner's PID, so a server that is
/// refused can say which process has the directory.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "netkit.lock";

    /// <summary>Enough for any PID and its newline; a longer file is not one this type wrote.</summary>
    private const int MaxOwnerBytes = 32;

    private const int ReadOnly = 0; // O_RDONLY

    private readonly FileStream _file;

    private DataDirectoryLock(string path, FileStream file)
    {
        FilePath = path;
        _file = file;
    }

    public string FilePath { get; }

    /// <summary>Takes the lock of <paramref name="directory"/> (which must exist) and writes this process's PID into it.</summary>
    /// <exception cref="DataDirectoryLockedException">Another process holds it.</exception>
    /// <exception cref="IOException">The lock file cannot be created or written (see <see cref="StorageErrors"/>).</exception>
    public static DataDirectoryLock Acquire(string directory)
    {
        string path = Path.Combine(directory, FileName);
        FileStream file;
        try
        {
            // FileShare.None is an exclusive flock on Unix, released by the kernel however the process ends
            // (kill -9 included), so a stale lock file never blocks a restart.
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
        }
        catch (IOException e) when (StorageErrors.Classify(e) == StorageErrorKind.Locked)
        {
            throw new DataDirectoryLockedException(directory, ReadOwner(path), e);
        }

        try
        {
            // Failing here fails the start: a directory that cannot take these few bytes cannot take the log.
            file.SetLength(0);
            file.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
            file.Flush();
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return new DataDirectoryLock(path, file);
    }

    /// <summary>Releases the lock. The PID stays in the file; it is read only while someone holds the lock.</summary>
    public void Dispose() => _file.Dispose();

    /// <summary>
    /// The owner's PID, read through libc: .NET takes a shared flock to open a file for reading, which the
    /// owner's exclusive one refuses. Null when the owner has not written it yet (or it is no PID): a start
    /// that races one taking the lock may see the file empty, or a previous owner's PID, for that moment.
    /// </summary>
    private static int? ReadOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            int fd = Open(path, ReadOnly);
            if (fd < 0)
            {
                return null;
            }

            var buffer = new byte[MaxOwnerBytes];
            nint count;
            try
            {
                count = Read(fd, buffer, buffer.Length);
            }
            finally
            {
                _ = Close(fd);
            }

            return count > 0
                && int.TryParse(Encoding.ASCII.GetString(buffer, 0, (int)count).AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && pid > 0
                    ? pid
                    : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which the build does not allow; these calls are rare.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint Read(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
#pragma warning restore SYSLIB1054
}
