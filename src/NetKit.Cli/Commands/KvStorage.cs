using Microsoft.Extensions.Logging;
using NetKit.Protocols.KeyValue;
using NetKit.Protocols.KeyValue.Persistence;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// The kv database a serve command runs, with its append-only log when it has one. Disposing it after the
/// servers have stopped writes and fsyncs what the log still holds (so SIGTERM loses nothing) and stops the
/// expiry sweep.
/// </summary>
public sealed class KvStorage : IAsyncDisposable
{
    /// <summary>Held open, exclusively, while a server uses the directory: two servers appending to one log
    /// would interleave their records and each replay the other's writes as its own.</summary>
    public const string LockFileName = "netkit.lock";

    private readonly FileStream? _lock;

    private KvStorage(KeyValueDatabase database, AppendOnlyLog? log, FileStream? directoryLock, KvServeSettings settings)
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
    /// <exception cref="CliException">The data directory or its log cannot be created or opened, or the log is
    /// damaged before its end and --repair-log was not given (exit 1, the message naming the byte offset).</exception>
    public static KvStorage Open(KvServeSettings settings, int maxClients, int maxLineLength, ILogger logger)
    {
        var options = settings.Options with { MaxClients = maxClients, MaxLineLength = maxLineLength };
        var database = new KeyValueDatabase(options);
        if (settings.DataDirectory is not { } directory)
        {
            return new KvStorage(database, null, null, settings);
        }

        FileStream? directoryLock = null;
        try
        {
            directoryLock = LockDirectory(directory);
            var log = AppendOnlyLog.Open(directory, settings.Fsync, database.Store, settings.RepairLog, logger);
            database.AttachLog(log);
            return new KvStorage(database, log, directoryLock, settings);
        }
        catch (Exception) when (Release(directoryLock))
        {
            throw; // Not reached: the filter releases the lock and declines.
        }
        catch (AppendOnlyLogCorruptException ex)
        {
            database.Dispose();
            throw new CliException(ExitCodes.Failure, $"cannot load the kv data in {directory}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            database.Dispose();
            throw new CliException(ExitCodes.PermissionDenied, $"cannot open the kv data directory {directory}: permission denied", ex);
        }
        catch (IOException ex)
        {
            database.Dispose();
            throw new CliException(ExitCodes.Failure, $"cannot open the kv data directory {directory}: {ex.Message}", ex);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    private static FileStream LockDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, LockFileName);
        try
        {
            // FileShare.None is an exclusive flock on Unix, released by the kernel however the process ends
            // (kill -9 included), so a stale lock file never blocks a restart.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
        }
        catch (IOException ex) when (ex is not (DirectoryNotFoundException or PathTooLongException))
        {
            throw new CliException(ExitCodes.Failure,
                $"cannot use the kv data directory {directory}: another netkit server is using it ({LockFileName} is locked)", ex);
        }
    }

    private static bool Release(FileStream? directoryLock)
    {
        directoryLock?.Dispose();
        return false;
    }

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
