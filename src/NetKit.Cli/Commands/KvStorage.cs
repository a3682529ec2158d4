using Microsoft.Extensions.Logging;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;

namespace NetKit.Cli.Commands;

/// <summary>
/// The kv database a serve command runs, with its append-only log when it has one. Disposing it after the
/// servers have stopped writes and fsyncs what the log still holds (so SIGTERM loses nothing) and stops the
/// expiry sweep.
/// </summary>
public sealed class KvStorage : IAsyncDisposable
{
    private readonly DataDirectoryLock? _lock;

    private KvStorage(KeyValueDatabase database, AppendOnlyLog? log, DataDirectoryLock? directoryLock, KvServeSettings settings)
    {
        Database = database;
        Log = log;
        _lock = directoryLock;
        Settings = settings;
    }

    public KeyValueDatabase Database { get; }

    /// <summary>Null when the data is in memory only.</summary>
    public AppendOnlyLog? Log { get; }

    public KvServeSettings Settings { get; }

    /// <summary>
    /// Creates the database and, with a data directory, opens and replays its log before any client can
    /// connect, so nobody sees a half-loaded store.
    /// </summary>
    /// <exception cref="CliException">The data directory or its log cannot be created or opened, another server
    /// holds the directory, or the log is damaged before its end and --repair-log was not given; the message says
    /// which (<see cref="StorageErrors"/>) and the exit code is that kind's (<see cref="CliExitCodes.For"/>).</exception>
    public static KvStorage Open(KvServeSettings settings, int maxClients, int maxLineLength, ILogger logger)
    {
        var options = settings.Options with { MaxClients = maxClients, MaxLineLength = maxLineLength };
        var database = new KeyValueDatabase(options);
        if (settings.DataDirectory is not { } directory)
        {
            return new KvStorage(database, null, null, settings);
        }

        DataDirectoryLock? directoryLock = null;
        try
        {
            CreateDirectory(directory);
            directoryLock = LockDirectory(directory);
            var log = OpenLog(directory, settings, database, logger);
            database.AttachLog(log);
            return new KvStorage(database, log, directoryLock, settings);
        }
        catch
        {
            directoryLock?.Dispose();
            database.Dispose();
            throw;
        }
    }

    private static void CreateDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (StorageErrors.IsExpected(e))
        {
            // Something already there (a file) is a wrong --data-dir rather than a directory that could not be made.
            string what = Path.Exists(directory) ? "use" : "create";
            throw Failure($"cannot {what} the kv data directory {directory}", StorageErrors.ClassifyDirectory(e, directory), e);
        }
    }

    private static DataDirectoryLock LockDirectory(string directory)
    {
        try
        {
            return DataDirectoryLock.Acquire(directory);
        }
        catch (DataDirectoryLockedException e)
        {
            string owner = e.OwnerProcessId is { } pid ? $" (PID {pid})" : string.Empty;
            throw new CliException(CliExitCodes.DataDirectoryLocked,
                $"cannot use the kv data directory {directory}: {StorageErrors.Describe(StorageErrorKind.Locked)}{owner}", e);
        }
        catch (Exception e) when (StorageErrors.IsExpected(e))
        {
            string path = Path.Combine(directory, DataDirectoryLock.FileName);
            throw Failure($"cannot use the kv data directory {directory}", StorageErrors.ClassifyFile(e, path), e);
        }
    }

    private static AppendOnlyLog OpenLog(string directory, KvServeSettings settings, KeyValueDatabase database, ILogger logger)
    {
        try
        {
            return AppendOnlyLog.Open(directory, settings.Fsync, database.Store, settings.RepairLog, logger);
        }
        catch (AppendOnlyLogCorruptException e)
        {
            // The message names the byte offset and --repair-log.
            throw new CliException(CliExitCodes.DamagedLog, $"cannot load the kv data in {directory}: {e.Message}", e);
        }
        catch (Exception e) when (StorageErrors.IsExpected(e))
        {
            string path = Path.Combine(directory, AppendOnlyLog.FileName);
            throw Failure($"cannot open the kv log {path}", StorageErrors.ClassifyFile(e, path), e);
        }
    }

    private static CliException Failure(string what, StorageErrorKind kind, Exception exception) =>
        new(CliExitCodes.For(kind), $"{what}: {(kind == StorageErrorKind.Other ? exception.Message : StorageErrors.Describe(kind))}", exception);

    /// <summary>Where the data lives and what was loaded, for the line printed at start; null in memory.</summary>
    public string? Describe() =>
        Log is null
            ? null
            : $"kv data in {Settings.DataDirectory} ({AppendOnlyLog.FileName}, fsync {Log.Policy.ToName()}): " +
              $"{Database.Store.Count} {(Database.Store.Count == 1 ? "key" : "keys")} loaded";

    public async ValueTask DisposeAsync()
    {
        if (Log is not null)
        {
            await Log.DisposeAsync().ConfigureAwait(false);
        }

        Database.Dispose();
        // Last: another server may take the directory only once the log is synced and closed.
        _lock?.Dispose();
    }
}
