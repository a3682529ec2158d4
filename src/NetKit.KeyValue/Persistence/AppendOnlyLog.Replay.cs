using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NetKit.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace NetKit.KeyValue.Persistence;

// Opening: the log is replayed into the store (a torn last record cut, damage refused or, with repair, cut) before it becomes the journal.
public sealed partial class AppendOnlyLog
{
    /// <summary>
    /// Opens (creating it if needed) the log in <paramref name="directory"/>, replays it into
    /// <paramref name="store"/> (which should be empty), and makes the log the store's journal. Attach it to
    /// the database too (<see cref="KeyValueDatabase.AttachLog"/>) so replies wait for durability.
    /// </summary>
    /// <param name="repair">Truncate the log at the first damaged record instead of refusing to start (<c>--repair-log</c>).</param>
    /// <exception cref="AppendOnlyLogCorruptException">Damage before the end of the log, and not <paramref name="repair"/>.</exception>
    public static AppendOnlyLog Open(string directory, FsyncPolicy policy, KeyValueStore store, bool repair = false, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        logger ??= NullLogger.Instance;
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        string rewritePath = Path.Combine(directory, RewriteFileName);
        if (File.Exists(rewritePath))
        {
            // A rewrite interrupted by a crash: the log it was to replace is still complete.
            File.Delete(rewritePath);
        }

        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        // Unbuffered: it only serves fsync; writes go through RandomAccess at explicit offsets.
        var stream = new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
        try
        {
            long length = RandomAccess.GetLength(handle);
            long started = Stopwatch.GetTimestamp();
            var reader = new AppendOnlyLogReader(store);
            ReplayOutcome outcome;

            // Replaying must not journal the changes again.
            store.Journal = null;
            outcome = reader.Replay(handle, length);

            if (!outcome.IsIntact)
            {
                long cut = length - outcome.IntactLength;
                if (outcome.IsTorn)
                {
                    PersistenceLog.TornRecord(logger, path, outcome.IntactLength, cut);
                }
                else if (repair)
                {
                    PersistenceLog.Repaired(logger, path, outcome.IntactLength, outcome.Problem!, cut);
                }
                else
                {
                    throw new AppendOnlyLogCorruptException(path, outcome.IntactLength, outcome.Problem!);
                }

                RandomAccess.SetLength(handle, outcome.IntactLength);
                stream.Flush(flushToDisk: true);
                length = outcome.IntactLength;
            }

            PersistenceLog.Loaded(logger, reader.Records, store.Count, path, length,
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var log = new AppendOnlyLog(directory, policy, store, handle, stream, length, logger);
            log.ContinueIn(reader.SelectedDatabase, reader.SawSelect);
            store.Journal = log;
            return log;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
