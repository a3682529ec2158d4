using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NetKit.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace NetKit.KeyValue.Persistence;

// The writer thread: batches swapped out and written, group commit under fsync always, the background fsync, retries after a failure, and the final flush.
public sealed partial class AppendOnlyLog
{
    private void WriterLoop()
    {
        try
        {
            int stopPasses = 0;
            while (true)
            {
                _work.Wait(NextWakeMs());
                _work.Reset();

                bool written;
                bool stopping;
                lock (_writeMutex)
                {
                    written = WritePass(out stopping);

                    RewriteResult? finish;
                    lock (_gate)
                    {
                        finish = _finishRequest;
                        _finishRequest = null;
                    }

                    if (finish is not null)
                    {
                        FinishRewrite(finish);
                    }

                    MaybeStartAutoRewrite();

                    if (stopping)
                    {
                        bool more;
                        lock (_gate)
                        {
                            more = _active.Length > 0;
                        }

                        // A failure on the way out is retried once; changes still coming in (listeners not yet
                        // stopped) get a few passes, not an endless drain.
                        if ((!more && written) || ++stopPasses >= 3)
                        {
                            CloseOut();
                            return;
                        }

                        continue;
                    }
                }

                if (!written)
                {
                    _shutdown.Token.WaitHandle.WaitOne(RetryDelayMs);
                }
            }
        }
        catch (Exception e)
        {
            // Not expected (I/O errors are handled above); make sure nobody waits for ever.
            _lastWriteError = e.Message;
            PersistenceLog.WriterFailed(_logger, e, _path);
            FailAllWaiters(e);
        }
        finally
        {
            _writerDone.TrySetResult();
        }
    }

    /// <summary>
    /// One batch: swaps out what was recorded, writes it (fsyncs under <c>always</c>), feeds a running
    /// rewrite, and completes the batch's waiters. Caller holds <see cref="_writeMutex"/>: the writer thread
    /// runs it, and so does a connection waiting for its own write when the writer is idle (see
    /// <see cref="WaitDurableAsync"/>), which saves that reply two thread hops.
    /// </summary>
    /// <returns>False when the write failed (the batch is kept for a retry).</returns>
    private bool WritePass(out bool stopping)
    {
        long batchSequence;
        long captureEpoch;
        bool wasOverLimit;
        lock (_gate)
        {
            stopping = _stopping;
            wasOverLimit = _pendingBytes > MaxPendingBytes;
            if (_captureFrom >= 0)
            {
                // A rewrite started with this batch part recorded: the copy starts where it did.
                _captureOffset = (_retryPending ? _writing.Length : 0) + _captureFrom;
                _captureFrom = -1;
            }

            if (_retryPending)
            {
                // Still holding a batch that failed: the new changes go after it.
                _writing.Append(_active.WrittenSpan);
                _active.Reset();
            }
            else
            {
                (_active, _writing) = (_writing, _active);
            }

            if (_multiDatabase)
            {
                _selected = -1;
            }

            batchSequence = _appendedSequence;
            _inFlightSequence = batchSequence;
            _inFlight = _next;
            _next = null;
            captureEpoch = _capturing ? _rewriteEpoch : 0;
            // Only a batch that already failed once still counts: the limit is on how far the
            // writer is behind, and it has just caught up.
            Volatile.Write(ref _pendingBytes, _retryPending ? _writing.Length : 0);
        }

        if (wasOverLimit)
        {
            lock (_spaceSignal)
            {
                Monitor.PulseAll(_spaceSignal);
            }
        }

        bool written = _writing.Length == 0 || TryWriteBatch();
        if (written)
        {
            if (captureEpoch != 0 && _writing.Length > _captureOffset)
            {
                CaptureForRewrite(_writing.WrittenSpan[_captureOffset..], captureEpoch);
            }

            _captureOffset = 0;
            _writing.Reset();
        }

        TaskCompletionSource? waiters;
        lock (_gate)
        {
            _retryPending = !written;
            if (written)
            {
                Volatile.Write(ref _durableSequence, batchSequence);
                Volatile.Write(ref _pendingBytes, _active.Length);
            }

            waiters = _inFlight;
            _inFlight = null;
            // Nobody can join the finished batch any more: after a failure its changes are retried
            // with the next one, so their waiters must wait for that.
            _inFlightSequence = _durableSequence;
        }

        if (written)
        {
            waiters?.TrySetResult();
        }
        else
        {
            waiters?.TrySetException(new IOException($"the append-only log could not be written: {_lastWriteError}"));
        }

        // Not only under everysec: what was written unsynced before a switch to always (CONFIG SET
        // appendfsync) still gets its fsync within the second it was promised.
        if (Policy != FsyncPolicy.No && written)
        {
            MaybeStartBackgroundFsync();
        }

        return written;
    }

    private int NextWakeMs()
    {
        if (Policy != FsyncPolicy.No && _unsynced)
        {
            long due = _lastFsyncTicks + EverySecondMs - Environment.TickCount64;
            return (int)Math.Clamp(due, 1, EverySecondMs);
        }

        // Bounded, so a quiet log still gets its automatic-rewrite check.
        return IdleWakeMs;
    }

    /// <summary>Writes the batch at the end of the file (and fsyncs under <c>always</c>); on failure cuts the
    /// file back to where the batch started so a retry does not leave half of it in the middle.</summary>
    private bool TryWriteBatch()
    {
        var data = _writing.WrittenSpan;
        try
        {
            RandomAccess.Write(_handle, data, _fileLength);
            if (Policy == FsyncPolicy.Always)
            {
                Fsync(_stream);
                _unsynced = false;
            }
            else
            {
                _unsynced = true;
            }

            Interlocked.Add(ref _fileLength, data.Length);
            Interlocked.Add(ref _bytesWritten, data.Length);
            PersistenceMetrics.LogBytesWritten.Add(data.Length);
            if (_lastWriteError is not null)
            {
                _lastWriteError = null;
                PersistenceLog.WriteRecovered(_logger, _path);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PersistenceMetrics.WriteErrors.Add(1);
            if (_lastWriteError is null)
            {
                PersistenceLog.WriteFailed(_logger, _path, StorageErrors.Describe(e));
            }

            _lastWriteError = e.Message;
            try
            {
                RandomAccess.SetLength(_handle, _fileLength);
            }
            catch (Exception cutFailed) when (cutFailed is IOException or UnauthorizedAccessException)
            {
                // The retry overwrites the same range anyway; a longer file only matters if it never succeeds.
            }

            return false;
        }
    }

    private void Fsync(FileStream stream)
    {
        long started = Stopwatch.GetTimestamp();
        stream.Flush(flushToDisk: true);
        PersistenceMetrics.FsyncDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        PersistenceMetrics.Fsyncs.Add(1);
        Interlocked.Increment(ref _fsyncCount);
    }

    private void MaybeStartBackgroundFsync()
    {
        if (!_unsynced || _backgroundFsync is { IsCompleted: false }
            || Environment.TickCount64 - _lastFsyncTicks < EverySecondMs)
        {
            return;
        }

        _unsynced = false;
        _lastFsyncTicks = Environment.TickCount64;
        var stream = _stream;
        // Off the writer, so a slow fsync does not hold up the writes that replies wait for.
        _backgroundFsync = Task.Run(() =>
        {
            try
            {
                Fsync(stream);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                PersistenceMetrics.WriteErrors.Add(1);
                PersistenceLog.FsyncFailed(_logger, _path, StorageErrors.Describe(e));
            }
        });
    }

    private void CloseOut()
    {
        _backgroundFsync?.Wait();
        long lost;
        lock (_gate)
        {
            lost = _active.Length + (_retryPending ? _writing.Length : 0);
        }

        try
        {
            Fsync(_stream);
        }
        catch (IOException e)
        {
            PersistenceLog.FsyncFailed(_logger, _path, StorageErrors.Describe(e));
        }

        if (lost > 0)
        {
            PersistenceLog.LostOnClose(_logger, _path, lost);
        }

        FailAllWaiters(new ObjectDisposedException(nameof(AppendOnlyLog), "the append-only log was closed before this change was written"));
    }
}
