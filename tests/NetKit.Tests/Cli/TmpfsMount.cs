using System.Diagnostics;
using NetKit.Tests.KeyValue.Server;

namespace NetKit.Tests.Cli;

/// <summary>A tmpfs of its own for one test (root only: see <see cref="RequiresRootFactAttribute"/>), unmounted
/// and removed afterwards whatever the test did.</summary>
internal sealed class TmpfsMount : IDisposable
{
    private static readonly TimeSpan MountTimeout = TimeSpan.FromSeconds(10);

    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs with these options (<c>size=64k</c>, <c>ro</c>, <c>nr_inodes=4</c>...).</summary>
    public static async Task<TmpfsMount> MountAsync(string options)
    {
        string path = Directory.CreateTempSubdirectory("netkit-tmpfs-").FullName;
        var result = await ExternalTool.RunAsync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", path], MountTimeout);
        if (result.ExitCode != 0)
        {
            Directory.Delete(path);
            Assert.Fail($"mount -t tmpfs -o {options} tmpfs {path}: {result}");
        }

        return new TmpfsMount(path);
    }

    /// <summary>Makes it read-only from now on, keeping what was written (as a remount after a disk error would).</summary>
    public async Task RemountReadOnlyAsync()
    {
        var result = await ExternalTool.RunAsync("mount", ["-o", "remount,ro", Path], MountTimeout);
        Assert.True(result.ExitCode == 0, $"mount -o remount,ro {Path}: {result}");
    }

    /// <summary>Writes one file until the file system has no byte left.</summary>
    public void FillBytes()
    {
        var chunk = new byte[4096];
        using var fill = new FileStream(System.IO.Path.Combine(Path, "fill"), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                fill.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full, as wanted.
        }
    }

    /// <summary>Creates empty files until the file system has no inode left (bytes may remain).</summary>
    public void FillInodes()
    {
        try
        {
            for (int i = 0; ; i++)
            {
                File.Create(System.IO.Path.Combine(Path, $"inode-{i}")).Dispose();
            }
        }
        catch (IOException)
        {
            // ENOSPC: no inode left, as wanted.
        }
    }

    public void Dispose()
    {
        if (!Unmount([Path]))
        {
            // Still busy (a process of the test not yet gone): detach it now, freed when the last user goes.
            Unmount(["-l", Path]);
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: an empty folder left in the temp directory does not make a test wrong.
        }
    }

    private static bool Unmount(string[] arguments)
    {
        using var umount = Process.Start(new ProcessStartInfo("umount", arguments) { UseShellExecute = false, RedirectStandardError = true })!;
        umount.StandardError.ReadToEnd();
        return umount.WaitForExit(MountTimeout) && umount.ExitCode == 0;
    }
}
