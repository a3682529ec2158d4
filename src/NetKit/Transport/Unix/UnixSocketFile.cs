using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace NetKit.Transport.Unix;

/// <summary>
/// The file a Unix domain socket listener binds: the rules for its path, what is done with a file already
/// there, and its permissions (Redis's <c>unixsocketperm</c>).
/// </summary>
internal static unsafe partial class UnixSocketFile
{
    /// <summary>Linux's <c>sun_path</c> holds 108 bytes, its terminating NUL included.</summary>
    public const int MaxPathBytes = 107;

    public const string PathRule = "expected unix:PATH with a path of 1 to 107 bytes";

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int StatxModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int SocketFileType = 0xC000;

    public static bool IsValidPath(string path) =>
        path.Length > 0 && !path.Contains('\0', StringComparison.Ordinal) && Encoding.UTF8.GetByteCount(path) <= MaxPathBytes;

    /// <summary>
    /// Clears the way for a bind at <paramref name="path"/>. A socket file that no server answers on is left
    /// by one that did not stop cleanly (a crash, kill -9): it is deleted, as a restart must not need a hand
    /// to clean up. One a server answers on is in use; anything that is not a socket is never deleted.
    /// </summary>
    /// <exception cref="NetKitException">The path is in use, or is some other kind of file.</exception>
    public static void ClearStale(string path, string operation)
    {
        if (!OperatingSystem.IsLinux())
        {
            // Without statx the kind of the file is not known: nothing is deleted, and bind says if it is taken.
            return;
        }

        switch (Kind(path))
        {
            case FileKind.Missing:
                return;
            case FileKind.Other:
                throw new NetKitException(NetErrorKind.AddressInUse, operation,
                    "a file that is not a socket is in the way (it is left alone)");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // Nobody listens: the file is what a server that died left behind.
            File.Delete(path);
            return;
        }
        catch (SocketException ex)
        {
            throw NetErrors.Wrap(operation, ex);
        }

        throw new NetKitException(NetErrorKind.AddressInUse, operation);
    }

    /// <summary>Sets the socket file's permissions. Called between bind and listen: until listen, no client can
    /// connect, so none gets in under the permissions the umask gave.</summary>
    [UnsupportedOSPlatform("windows")]
    public static void SetPermissions(string path, UnixFileMode mode) => File.SetUnixFileMode(path, mode);

    private enum FileKind
    {
        Missing,
        Socket,
        Other,
    }

    private static FileKind Kind(string path)
    {
        byte* status = stackalloc byte[StatxSize];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, status) != 0)
        {
            // Missing, or not to be looked at: bind then reports why (permission denied, not a directory...).
            return FileKind.Missing;
        }

        int mode = *(ushort*)(status + StatxModeOffset);
        return (mode & FileTypeMask) == SocketFileType ? FileKind.Socket : FileKind.Other;
    }

    /// <summary>Linux's statx: its <c>struct statx</c> has one layout on every architecture, unlike stat's.</summary>
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);
}
