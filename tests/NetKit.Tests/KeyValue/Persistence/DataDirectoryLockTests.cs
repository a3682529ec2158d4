using System.Text;
using NetKit.KeyValue.Persistence;

namespace NetKit.Tests.KeyValue.Persistence;

public sealed class DataDirectoryLockTests
{
    [Fact]
    public void The_lock_file_holds_the_owner_pid_and_a_second_acquire_is_told_it()
    {
        using var dir = new TempDataDirectory();
        string path = Path.Combine(dir.Path, DataDirectoryLock.FileName);
        File.WriteAllText(path, "999999999\nleft by a server that crashed\n", Encoding.ASCII);

        using (var held = DataDirectoryLock.Acquire(dir.Path))
        {
            Assert.Equal(path, held.FilePath);
            var refused = Assert.Throws<DataDirectoryLockedException>(() => DataDirectoryLock.Acquire(dir.Path));
            Assert.Equal(Environment.ProcessId, refused.OwnerProcessId);
            Assert.Equal(StorageErrorKind.Locked, StorageErrors.Classify(refused));
        }

        // Released: the next owner takes it and writes its own PID over what was there.
        DataDirectoryLock.Acquire(dir.Path).Dispose();
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(path, Encoding.ASCII));
    }
}
