using System.Diagnostics;

namespace NetKit.Tests.Reliability;

/// <summary>
/// A small tmpfs mounted on a fresh temporary directory, so a test can fill a disk without touching the
/// machine's own: unmounted and removed on Dispose. Mounting needs root, which the developers and CI have;
/// tests that use it are marked <see cref="RequiresRootTheoryAttribute"/> so they skip, saying why, elsewhere.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private bool _mounted;

    public TmpfsMount(string size)
    {
        Path = Directory.CreateTempSubdirectory("netkit-tmpfs-").FullName;
        try
        {
            Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", Path);
            _mounted = true;
        }
        catch
        {
            Directory.Delete(Path);
            throw;
        }
    }

    public string Path { get; }

    public static bool CanMount => Environment.IsPrivilegedProcess && OperatingSystem.IsLinux();

    public void Dispose()
    {
        if (_mounted)
        {
            // A server killed a moment ago may still hold its files open while the kernel tears it down, so a
            // plain unmount can meet EBUSY; the lazy one detaches now and frees the memory once they close.
            if (!TryRun("umount", Path))
            {
                TryRun("umount", "-l", Path);
            }

            _mounted = false;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: an empty directory left in /tmp does not make a test wrong.
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        if (!TryRun(program, arguments, out string error))
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {error}");
        }
    }

    private static bool TryRun(string program, params string[] arguments) => TryRun(program, arguments, out _);

    private static bool TryRun(string program, string[] arguments, out string error)
    {
        var startInfo = new ProcessStartInfo(program, arguments)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(startInfo)!;
        error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            error = $"still running after 10 s; {error}";
            return false;
        }

        return process.ExitCode == 0;
    }
}
