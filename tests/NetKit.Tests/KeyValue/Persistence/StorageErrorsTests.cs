using System.Text;
using NetKit.KeyValue.Persistence;

namespace NetKit.Tests.KeyValue.Persistence;

/// <summary>
/// <see cref="StorageErrors"/> sorts by errno: the numbers as .NET hands them over, and the real exceptions
/// .NET throws for the cases that need no mount (the ones that do are in CliKvStorageErrorTests).
/// </summary>
public sealed class StorageErrorsTests
{
    [LinuxTheory]
    [InlineData(1, StorageErrorKind.PermissionDenied)]    // EPERM
    [InlineData(13, StorageErrorKind.PermissionDenied)]   // EACCES
    [InlineData(30, StorageErrorKind.ReadOnlyFileSystem)] // EROFS
    [InlineData(28, StorageErrorKind.NoSpace)]            // ENOSPC
    [InlineData(122, StorageErrorKind.QuotaExceeded)]     // EDQUOT
    [InlineData(20, StorageErrorKind.NotADirectory)]      // ENOTDIR
    [InlineData(21, StorageErrorKind.IsADirectory)]       // EISDIR
    [InlineData(11, StorageErrorKind.Locked)]             // EWOULDBLOCK
    [InlineData(5, StorageErrorKind.Other)]               // EIO
    [InlineData(17, StorageErrorKind.Other)]              // EEXIST: says nothing without a probe
    public void An_IOException_is_classified_by_the_errno_in_its_HResult(int errno, StorageErrorKind expected)
    {
        Assert.Equal(expected, StorageErrors.Classify(new IOException("whatever the text says", errno)));
    }

    [Fact]
    public void The_message_text_is_never_read()
    {
        Assert.Equal(StorageErrorKind.Other, StorageErrors.Classify(new IOException("No space left on device")));
        Assert.Equal(StorageErrorKind.Other, StorageErrors.Classify(new IOException("Read-only file system")));
    }

    [Fact]
    public void Exceptions_of_netkit_own_kinds_are_classified_by_type()
    {
        Assert.Equal(StorageErrorKind.DamagedLog, StorageErrors.Classify(new AppendOnlyLogCorruptException("/d/appendonly.aof", 27, "bad")));
        Assert.Equal(StorageErrorKind.Locked, StorageErrors.Classify(new DataDirectoryLockedException("/d", 42)));
        Assert.Equal(StorageErrorKind.PermissionDenied, StorageErrors.Classify(new UnauthorizedAccessException()));
    }

    [Fact]
    public void Describe_says_the_kind_in_words_or_the_message_of_an_unknown_one()
    {
        Assert.Equal("read-only file system", StorageErrors.Describe(StorageErrorKind.ReadOnlyFileSystem));
        Assert.Equal("no space left on device", StorageErrors.Describe(StorageErrorKind.NoSpace));
        Assert.Equal("is a directory", StorageErrors.Describe(StorageErrorKind.IsADirectory));
        Assert.Equal("not a directory", StorageErrors.Describe(StorageErrorKind.NotADirectory));
        Assert.Equal("permission denied", StorageErrors.Describe(new UnauthorizedAccessException("Access to the path '/x' is denied.")));
        Assert.Equal("something odd", StorageErrors.Describe(new IOException("something odd")));
    }

    [Fact]
    public void A_log_that_is_a_directory_is_is_a_directory_not_permission_denied()
    {
        // .NET reports EISDIR as UnauthorizedAccessException, which as root would read "permission denied".
        using var dir = new TempDataDirectory();
        Directory.CreateDirectory(dir.LogPath);

        var e = Record.Exception(() => File.OpenHandle(dir.LogPath, FileMode.OpenOrCreate, FileAccess.ReadWrite).Dispose());

        Assert.IsType<UnauthorizedAccessException>(e);
        Assert.Equal(StorageErrorKind.IsADirectory, StorageErrors.ClassifyFile(e!, dir.LogPath));
    }

    [Fact]
    public void A_data_directory_that_is_a_file_is_not_a_directory()
    {
        using var dir = new TempDataDirectory();
        string file = Path.Combine(dir.Path, "data");
        File.WriteAllText(file, "not a directory", Encoding.ASCII);

        var there = Record.Exception(() => Directory.CreateDirectory(file));
        var below = Record.Exception(() => Directory.CreateDirectory(Path.Combine(file, "sub")));

        // "already exists" (EEXIST) and "could not find a part of the path": neither carries ENOTDIR.
        Assert.IsType<IOException>(there);
        Assert.IsType<DirectoryNotFoundException>(below);
        Assert.Equal(StorageErrorKind.NotADirectory, StorageErrors.ClassifyDirectory(there!, file));
        Assert.Equal(StorageErrorKind.NotADirectory, StorageErrors.ClassifyDirectory(below!, Path.Combine(file, "sub")));
    }

    [Fact]
    public void A_refused_exclusive_lock_is_locked()
    {
        using var dir = new TempDataDirectory();
        string path = Path.Combine(dir.Path, "held");
        using var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var e = Record.Exception(() => new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None).Dispose());

        Assert.Equal(StorageErrorKind.Locked, StorageErrors.Classify(e!));
    }

    [Fact]
    public void A_probe_that_finds_nothing_wrong_keeps_what_the_exception_said()
    {
        using var dir = new TempDataDirectory();

        Assert.Equal(StorageErrorKind.PermissionDenied, StorageErrors.ClassifyFile(new UnauthorizedAccessException(), dir.LogPath));
        Assert.Equal(StorageErrorKind.Other, StorageErrors.ClassifyDirectory(new IOException("odd"), dir.Path));
    }
}
