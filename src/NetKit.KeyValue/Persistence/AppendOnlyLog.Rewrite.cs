using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NetKit.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace NetKit.KeyValue.Persistence;

// Rewriting (compaction): the snapshot on a thread of its own, the side buffer of changes made meanwhile, the switch-over between two batches.
public sealed partial class AppendOnlyLog
{
    /// <inheritdoc />
    public bool TryStartRewrite()
    {
        TaskCompletionSource<bool> done;
        // Under the store's lock no change is half recorded and no transaction is open: the copy for the new
        // file starts exactly here, which lists need (see KeyValueStore.PreserveForRewriteLocked).
        lock (_store.WriteLock)
        lock (_gate)
        {
            if (_rewriting || _stopping || _disposed)
            {
                return false;
            }

            _captureFrom = _active.Length;
            if (_multiDatabase)
            {
                // The copy's first record then says its database.
                _selected = -1;
            }

            // From here on every batch is also copied for the new file, so whatever the snapshot misses
            // (it starts after this) is appended after it.
            _rewriting = true;
            _capturing = true;
            _rewriteAbandoned = false;
            _rewriteEpoch++;
            _store.Databases.RewriteEpoch = _rewriteEpoch;
            lock (_sideGate)
            {
                _side.Reset();
                _sideEpoch = _rewriteEpoch;
            }

            done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _lastRewrite = done.Task;
        }

        PersistenceLog.RewriteStarted(_logger, CurrentSize);
        _ = Task.Factory.StartNew(() => RunRewrite(done), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return true;
    }

    private void MaybeStartAutoRewrite()
    {
        if (AutoRewritePercentage <= 0)
        {
            return;
        }

        long size = CurrentSize;
        long baseSize = BaseSize;
        if (size >= AutoRewriteMinSize
            && size - baseSize >= baseSize * AutoRewritePercentage / 100
            && Environment.TickCount64 - _lastRewriteFailedTicks >= AutoRewriteRetryDelayMs)
        {
            TryStartRewrite();
        }
    }

    private void CaptureForRewrite(ReadOnlySpan<byte> batch, long epoch)
    {
        lock (_sideGate)
        {
            if (_sideEpoch != epoch)
            {
                return;
            }

            if (_side.Length + (long)batch.Length <= MaxRewriteBufferBytes)
            {
                _side.Append(batch);
                return;
            }
        }

        lock (_gate)
        {
            lock (_sideGate)
            {
                if (_finishRequest is not null)
                {
                    // The snapshot is done and the rest is about to be appended: let it finish.
                    _side.Append(batch);
                    return;
                }

                _capturing = false;
                _rewriteAbandoned = true;
                _side.Reset();
            }
        }
    }

    /// <summary>The rewrite thread: snapshot into the temp file, drain the side buffer, sync, hand over.</summary>
    private void RunRewrite(TaskCompletionSource<bool> done)
    {
        long started = Stopwatch.GetTimestamp();
        SafeFileHandle? handle = null;
        FileStream? stream = null;
        var token = _shutdown.Token;
        try
        {
            File.Delete(_rewritePath);
            handle = File.OpenHandle(_rewritePath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
            stream = new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
            long length = 0;
            var chunk = new LogBuffer(SnapshotChunk + 64 * 1024);
            int selected = 0;
            var databases = _store.Databases;
            for (int index = 0; index < databases.Count; index++)
            {
                var database = databases[index];
                if (database.Count == 0)
                {
                    continue;
                }

                // Each database's keys after its SELECT, as Redis's rewrite writes them.
                if (index != selected)
                {
                    chunk.WriteSelect(index);
                    selected = index;
                }

                foreach (var (key, value, expiresAtMs) in database.Entries())
                {
                    WriteSnapshotEntry(chunk, database, key, value, expiresAtMs);
                    if (chunk.Length >= SnapshotChunk)
                    {
                        length += WriteRewriteChunk(handle, chunk, length);
                        token.ThrowIfCancellationRequested();
                        ThrowIfAbandoned();
                    }
                }
            }

            lock (_store.WriteLock)
            {
                _store.Databases.RewriteEpoch = 0;
            }

            if (selected != 0)
            {
                // The batches copied after the snapshot start in database 0 unless they say otherwise.
                chunk.WriteSelect(0);
            }

            length += WriteRewriteChunk(handle, chunk, length);
            AfterSnapshotForTests?.Invoke();

            // Catch up with what was written meanwhile, so the writer's final step (while replies under
            // `always` wait) has little left to copy.
            var drained = new LogBuffer();
            for (int round = 0; round < 8; round++)
            {
                token.ThrowIfCancellationRequested();
                ThrowIfAbandoned();
                lock (_sideGate)
                {
                    (_side, drained) = (drained, _side);
                }

                int count = drained.Length;
                length += WriteRewriteChunk(handle, drained, length);
                if (count < SnapshotChunk)
                {
                    break;
                }
            }

            Fsync(stream);
            var result = new RewriteResult(handle, stream, length, done, started);
            lock (_gate)
            {
                ThrowIfAbandoned();
                token.ThrowIfCancellationRequested();
                _finishRequest = result;
            }

            _work.Set();
        }
        catch (Exception e)
        {
            lock (_store.WriteLock)
            {
                _store.Databases.RewriteEpoch = 0;
            }

            stream?.Dispose();
            handle?.Dispose();
            AbandonRewrite(done, e is OperationCanceledException ? null : e,
                e is OperationCanceledException ? "the log is closing" : e.Message);
        }
    }

    private void ThrowIfAbandoned()
    {
        if (Volatile.Read(ref _rewriteAbandoned))
        {
            throw new IOException($"writes during the rewrite outgrew its buffer ({MaxRewriteBufferBytes} bytes)");
        }
    }

    /// <summary>Hash fields per HSET record of a rewrite (Redis's AOF_REWRITE_ITEMS_PER_CMD).</summary>
    private const int FieldsPerRecord = 64;

    private static void WriteSnapshotEntry(LogBuffer chunk, KeyValueStore database, byte[] key, object value, long expiresAtMs)
    {
        if (value is byte[] bytes)
        {
            chunk.WriteSet(key, bytes, expiresAtMs);
            return;
        }

        if (value is SetValue set)
        {
            WriteSnapshotSet(chunk, database, key, set, expiresAtMs);
            return;
        }

        if (value is SortedSetValue sortedSet)
        {
            WriteSortedSetSnapshot(chunk, database, key, sortedSet, expiresAtMs);
            return;
        }

        if (value is ListValue list)
        {
            WriteSnapshotList(chunk, database, key, list, expiresAtMs);
            return;
        }

        if (value is HashValue hash)
        {
            KeyValuePair<byte[], byte[]>[] fields;
            lock (database.WriteLock)
            {
                // A hash is changed in place: copied under the lock, written outside it. Changes made after
                // the copy reach the new file through the side buffer, as for strings.
                fields = hash.Snapshot();
            }

            if (fields.Length == 0)
            {
                return;
            }

            for (int i = 0; i < fields.Length; i += FieldsPerRecord)
            {
                chunk.WriteHashSet(key, fields.AsSpan(i, Math.Min(FieldsPerRecord, fields.Length - i)));
            }

            if (expiresAtMs > 0)
            {
                chunk.WriteExpireAt(key, expiresAtMs);
            }
        }
    }

    private static void WriteSnapshotSet(LogBuffer chunk, KeyValueStore database, byte[] key, SetValue set, long expiresAtMs)
    {
        byte[][] members;
        lock (database.WriteLock)
        {
            members = set.Snapshot();
        }

        if (members.Length == 0)
        {
            return;
        }

        for (int i = 0; i < members.Length; i += FieldsPerRecord)
        {
            chunk.WriteSetAdd(key, members.AsSpan(i, Math.Min(FieldsPerRecord, members.Length - i)));
        }

        if (expiresAtMs > 0)
        {
            chunk.WriteExpireAt(key, expiresAtMs);
        }
    }

    private long WriteRewriteChunk(SafeFileHandle handle, LogBuffer chunk, long offset)
    {
        int count = chunk.Length;
        if (count > 0)
        {
            RandomAccess.Write(handle, chunk.WrittenSpan, offset);
            Interlocked.Add(ref _bytesWritten, count);
            PersistenceMetrics.LogBytesWritten.Add(count);
        }

        chunk.Reset();
        return count;
    }

    private void AbandonRewrite(TaskCompletionSource<bool> done, Exception? error, string reason)
    {
        try
        {
            File.Delete(_rewritePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Deleted on the next open.
        }

        lock (_gate)
        {
            _capturing = false;
            _rewriting = false;
        }

        lock (_sideGate)
        {
            _side.Reset();
        }

        _lastRewriteOk = false;
        _lastRewriteFailedTicks = Environment.TickCount64;
        PersistenceLog.RewriteFailed(_logger, error is null || StorageErrors.IsExpected(error) ? null : error, reason);
        done.TrySetResult(false);
    }

    /// <summary>On the writer, between batches: the rest of the side buffer, fsync, rename, switch files.</summary>
    private void FinishRewrite(RewriteResult result)
    {
        long before = CurrentSize;
        try
        {
            lock (_gate)
            {
                // No batch is in progress (this is the writer), so the side buffer holds everything up to now.
                _capturing = false;
            }

            long length = result.Length;
            lock (_sideGate)
            {
                length += WriteRewriteChunk(result.Handle, _side, length);
            }

            Fsync(result.Stream);
            _backgroundFsync?.Wait();
            File.Move(_rewritePath, _path, overwrite: true);
            if (!DirectorySync.TrySync(_directory) && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
            {
                PersistenceLog.DirectorySyncFailed(_logger, _directory);
            }

            var old = _stream;
            _handle = result.Handle;
            _stream = result.Stream;
            Interlocked.Exchange(ref _fileLength, length);
            Interlocked.Exchange(ref _baseSize, length);
            _unsynced = false;
            old.Dispose();

            Interlocked.Increment(ref _rewrites);
            PersistenceMetrics.Rewrites.Add(1);
            _lastRewriteMs = (long)Stopwatch.GetElapsedTime(result.Started).TotalMilliseconds;
            _lastRewriteOk = true;
            NoteRewriteSucceeded();
            lock (_gate)
            {
                _rewriting = false;
            }

            PersistenceLog.RewriteDone(_logger, before, length, _lastRewriteMs);
            result.Done.TrySetResult(true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result.Stream.Dispose();
            AbandonRewrite(result.Done, e, e.Message);
        }
    }

    private sealed record RewriteResult(SafeFileHandle Handle, FileStream Stream, long Length, TaskCompletionSource<bool> Done, long Started);
}
