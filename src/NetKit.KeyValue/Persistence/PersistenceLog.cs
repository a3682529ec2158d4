using Microsoft.Extensions.Logging;

namespace NetKit.KeyValue.Persistence;

internal static partial class PersistenceLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Loaded {Records} records ({Keys} keys) from {Path} ({Bytes} bytes) in {Milliseconds} ms")]
    public static partial void Loaded(ILogger logger, long records, int keys, string path, long bytes, long milliseconds);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "{Path} ends with a torn record at byte {Offset} ({Bytes} bytes cut short by a crash or power loss): truncated the log there")]
    public static partial void TornRecord(ILogger logger, string path, long offset, long bytes);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "{Path} is damaged at byte {Offset}: {Problem}; --repair-log: truncated the log there, discarding {Bytes} bytes")]
    public static partial void Repaired(ILogger logger, string path, long offset, string problem, long bytes);

    // Expected failures (a full disk, say) log one line with the reason, no stack trace; WriterFailed is the bug.
    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "Writing the append-only log {Path} failed: {Reason}; writes are not acknowledged until it works again (retrying)")]
    public static partial void WriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "Writing the append-only log {Path} works again")]
    public static partial void WriteRecovered(ILogger logger, string path);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Fsync of the append-only log {Path} failed: {Reason}")]
    public static partial void FsyncFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "Append-only log rewrite started ({Bytes} bytes now)")]
    public static partial void RewriteStarted(ILogger logger, long bytes);

    [LoggerMessage(EventId = 307, Level = LogLevel.Information, Message = "Append-only log rewritten: {Before} -> {After} bytes in {Milliseconds} ms")]
    public static partial void RewriteDone(ILogger logger, long before, long after, long milliseconds);

    [LoggerMessage(EventId = 308, Level = LogLevel.Warning, Message = "Append-only log rewrite failed or was abandoned: {Reason}")]
    public static partial void RewriteFailed(ILogger logger, Exception? exception, string reason);

    [LoggerMessage(EventId = 309, Level = LogLevel.Error, Message = "Closing the append-only log {Path}: {Bytes} bytes of recorded changes could not be written")]
    public static partial void LostOnClose(ILogger logger, string path, long bytes);

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Could not fsync the directory {Directory} after renaming the rewritten log (the rename may not survive a power loss)")]
    public static partial void DirectorySyncFailed(ILogger logger, string directory);

    [LoggerMessage(EventId = 311, Level = LogLevel.Critical, Message = "The writer of the append-only log {Path} failed unexpectedly; waiting writes get an error")]
    public static partial void WriterFailed(ILogger logger, Exception exception, string path);
}
