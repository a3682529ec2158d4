using Microsoft.Extensions.Logging;

namespace NetKit.KeyValue.Persistence;

/// <summary>
/// A data directory in use: its lock, held first, and its log, replayed into the store before anyone can
/// connect. Closed in the reverse order: the log written, synced and closed, then the lock released, so
/// another server may take the directory only once nothing more will be written to it.
/// </summary>
internal sealed class DataDirectory : IAsyncDisposable
{
    private readonly DataDirectoryLock _lock;

    private DataDirectory(string path, DataDirectoryLock directoryLock, AppendOnlyLog log)
    {
        Path = path;
        _lock = directoryLock;
        Log = log;
    }

    public string Path { get; }

    public AppendOnlyLog Log { get; }

    /// <exception cref="KeyValueStorageException">The directory or its log cannot be created or opened, another
    /// server holds the directory, or the log is damaged before its end and <paramref name="repair"/> is false.</exception>
    public static DataDirectory Open(string directory, FsyncPolicy policy, KeyValueStore store, bool repair, ILogger logger)
    {
        Create(directory);
        var directoryLock = Lock(directory);
        try
        {
            return new DataDirectory(directory, directoryLock, OpenLog(directory, policy, store, repair, logger));
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Log.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private static void Create(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (StorageErrors.IsExpected(e))
        {
            // Something already there (a file) is a wrong --data-dir rather than a directory that could not be made.
            string what = System.IO.Path.Exists(directory) ? "use" : "create";
            throw Failure($"cannot {what} the kv data directory {directory}", StorageErrors.ClassifyDirectory(e, directory), e);
        }
    }

    private static DataDirectoryLock Lock(string directory)
    {
        try
        {
            return DataDirectoryLock.Acquire(directory);
        }
        catch (DataDirectoryLockedException e)
        {
            string owner = e.OwnerProcessId is { } pid ? $" (PID {pid})" : string.Empty;
            throw new KeyValueStorageException(StorageErrorKind.Locked,
                $"cannot use the kv data directory {directory}: {StorageErrors.Describe(StorageErrorKind.Locked)}{owner}", e);
        }
        catch (Exception e) when (StorageErrors.IsExpected(e))
        {
            string path = System.IO.Path.Combine(directory, DataDirectoryLock.FileName);
            throw Failure($"cannot use the kv data directory {directory}", StorageErrors.ClassifyFile(e, path), e);
        }
    }

    private static AppendOnlyLog OpenLog(string directory, FsyncPolicy policy, KeyValueStore store, bool repair, ILogger logger)
    {
        try
        {
            return AppendOnlyLog.Open(directory, policy, store, repair, logger);
        }
        catch (AppendOnlyLogCorruptException e)
        {
            // The message names the byte offset and --repair-log.
            throw new KeyValueStorageException(StorageErrorKind.DamagedLog, $"cannot load the kv data in {directory}: {e.Message}", e);
        }
        catch (Exception e) when (StorageErrors.IsExpected(e))
        {
            string path = System.IO.Path.Combine(directory, AppendOnlyLog.FileName);
            throw Failure($"cannot open the kv log {path}", StorageErrors.ClassifyFile(e, path), e);
        }
    }

    private static KeyValueStorageException Failure(string what, StorageErrorKind kind, Exception exception) =>
        new(kind, $"{what}: {(kind == StorageErrorKind.Other ? exception.Message : StorageErrors.Describe(kind))}", exception);
}
