using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using NetKit.Tests.KeyValue.Persistence;
using NetKit.Tests.KeyValue.Server;

namespace NetKit.Tests.Cli;

/// <summary>
/// README "Errors and exit codes": a kv data directory that cannot be used stops the start with one line that
/// says why, classified by the OS error, and the exit code of that kind. The read-only and full file systems are
/// real ones (a tmpfs), so these run as root (<see cref="RequiresRootFactAttribute"/>).
/// </summary>
public sealed class CliKvStorageErrorTests
{
    [RequiresRootFact]
    public async Task A_read_only_data_directory_exits_15()
    {
        using var mount = await TmpfsMount.MountAsync("size=1m");
        await using (var server = await StartedAndStoppedAsync(mount.Path))
        {
            // A log and a lock file there already, as after a server ran, before the disk went read-only.
        }

        await mount.RemountReadOnlyAsync();

        var result = await ServeAsync(mount.Path);

        AssertRefused(result, 15, $"netkit: cannot use the kv data directory {mount.Path}: read-only file system");
    }

    [RequiresRootFact]
    public async Task A_data_directory_to_create_on_a_read_only_file_system_exits_15()
    {
        using var mount = await TmpfsMount.MountAsync("ro,size=64k");
        string directory = Path.Combine(mount.Path, "kv", "data");

        var result = await ServeAsync(directory);

        AssertRefused(result, 15, $"netkit: cannot create the kv data directory {directory}: read-only file system");
    }

    [RequiresRootFact]
    public async Task A_full_disk_where_the_log_must_be_created_exits_14()
    {
        using var mount = await TmpfsMount.MountAsync("size=64k");
        mount.FillBytes();

        var result = await ServeAsync(mount.Path);

        AssertRefused(result, 14, $"netkit: cannot use the kv data directory {mount.Path}: no space left on device");
        Assert.False(File.Exists(Path.Combine(mount.Path, "appendonly.aof")));
    }

    [RequiresRootFact]
    public async Task A_disk_without_a_free_inode_exits_14()
    {
        using var mount = await TmpfsMount.MountAsync("size=1m,nr_inodes=8");
        mount.FillInodes();

        var result = await ServeAsync(mount.Path);

        AssertRefused(result, 14, $"netkit: cannot use the kv data directory {mount.Path}: no space left on device");
    }

    [RequiresRootFact]
    public async Task A_disk_that_fills_while_serving_is_logged_in_one_line_without_a_stack_trace()
    {
        using var mount = await TmpfsMount.MountAsync("size=256k");
        using var server = await NetkitProcess.StartServerAsync("kv", "--data-dir", mount.Path, "--fsync", "always");
        mount.FillBytes();

        await using (var client = await RespTestClient.ConnectAsync(server.Port))
        {
            try
            {
                var reply = await client.CallAsync("SET", "k", new string('v', 16 * 1024));
                Assert.True(reply.IsError, $"SET on a full disk: {reply}");
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // Closed rather than told OK: the README's promise for a write that could not be logged.
            }
        }

        File.Delete(Path.Combine(mount.Path, "fill"));
        server.Terminate();
        var result = await server.WaitForExitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        string failed = Assert.Single(result.StderrLines, l => l.Contains("[303]", StringComparison.Ordinal));
        Assert.EndsWith(
            $"Writing the append-only log {mount.Path}/appendonly.aof failed: no space left on device; writes are not acknowledged until it works again (retrying)",
            failed);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task A_log_that_is_a_directory_exits_16()
    {
        using var dir = new TempDataDirectory();
        Directory.CreateDirectory(dir.LogPath);

        var result = await ServeAsync(dir.Path);

        AssertRefused(result, 16, $"netkit: cannot open the kv log {dir.LogPath}: is a directory");
    }

    [Fact]
    public async Task A_data_directory_that_is_a_file_exits_16()
    {
        using var dir = new TempDataDirectory();
        string file = Path.Combine(dir.Path, "data");
        File.WriteAllText(file, "not a directory", Encoding.ASCII);

        var there = await ServeAsync(file);
        var below = await ServeAsync(Path.Combine(file, "kv"));

        AssertRefused(there, 16, $"netkit: cannot use the kv data directory {file}: not a directory");
        AssertRefused(below, 16, $"netkit: cannot create the kv data directory {Path.Combine(file, "kv")}: not a directory");
    }

    [Fact]
    public async Task A_data_directory_that_does_not_exist_is_created_with_its_parents()
    {
        using var dir = new TempDataDirectory();
        string directory = Path.Combine(dir.Path, "a", "b");

        await using (await StartedAndStoppedAsync(directory))
        {
        }

        Assert.True(File.Exists(Path.Combine(directory, "appendonly.aof")));
    }

    [UnprivilegedFact]
    [UnsupportedOSPlatform("windows")] // skipped there by the attribute
    public async Task A_data_directory_the_user_may_not_write_exits_8()
    {
        using var dir = new TempDataDirectory();
        var mode = File.GetUnixFileMode(dir.Path);
        File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            string[] serve = ["kv", "serve", "--bind", "127.0.0.1:0", "--data-dir", dir.Path];
            NetkitResult result;
            if (Environment.IsPrivilegedProcess)
            {
                // Root passes every permission check: run it as nobody (65534), as a service account would.
                var run = await ExternalTool.RunAsync("setpriv",
                    ["--reuid=65534", "--regid=65534", "--clear-groups", .. NetkitProcess.CliCommand, .. serve],
                    NetkitProcess.ExitTimeout);
                result = new NetkitResult(run.ExitCode, run.Stdout, run.Stderr);
            }
            else
            {
                result = await NetkitProcess.RunAsync(serve);
            }

            AssertRefused(result, 8, $"netkit: cannot use the kv data directory {dir.Path}: permission denied");
        }
        finally
        {
            File.SetUnixFileMode(dir.Path, mode);
        }
    }

    private static Task<NetkitResult> ServeAsync(string directory) =>
        NetkitProcess.RunAsync(["kv", "serve", "--bind", "127.0.0.1:0", "--data-dir", directory]);

    /// <summary>Starts a server on <paramref name="directory"/>; disposing the result stops it with SIGTERM.</summary>
    private static async Task<StoppedOnDispose> StartedAndStoppedAsync(string directory) =>
        new(await NetkitProcess.StartServerAsync("kv", "--data-dir", directory));

    private static void AssertRefused(NetkitResult result, int exitCode, string line)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        CliClientTests.AssertOneErrorLine(result, line);
        Assert.Equal(line, result.StderrLines[0]);
        Assert.Equal(string.Empty, result.Stdout);
    }

    private sealed class StoppedOnDispose(NetkitProcess server) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            server.Terminate();
            var result = await server.WaitForExitAsync();
            server.Dispose();
            Assert.True(result.ExitCode == 0, result.ToString());
        }
    }
}
