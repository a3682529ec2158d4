using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NetKit.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace NetKit.KeyValue.Persistence;

/// <summary>
/// The kv append-only log: every change, as the RESP command that re-applies its effect (as Redis's AOF,
/// so <c>redis-check-aof</c> and people can read it), in <c>appendonly.aof</c> in a data directory.
/// </summary>
/// <remarks>
/// <para>Recording (under the store's write lock) only encodes into an in-memory buffer and bumps a sequence
/// number. One writer thread swaps that buffer out and writes it; under <see cref="FsyncPolicy.Always"/> it
/// then fsyncs, and everyone whose change was in that batch is released by that one fsync (group commit:
/// while it runs, the next batch gathers). Under the other policies a change is released once it is written
/// to the OS — so a killed process loses nothing acknowledged — and <see cref="FsyncPolicy.EverySecond"/>
/// fsyncs in the background at most once a second.</para>
/// <para>A failed write or fsync fails the waiters of that batch (<see cref="WaitDurableAsync"/> throws an
/// <see cref="IOException"/>, so the transport closes those connections instead of sending a false OK), is
/// logged, and is retried about once a second from the last good length of the file; waiters are released
/// again once a retry succeeds. While the writer is behind by more than <see cref="MaxPendingBytes"/>
/// (a stuck disk), a recorder blocks up to a second per change, under the store lock: that throttles
/// writers (readers take no lock) instead of letting memory grow without bound.</para>
/// <para>A rewrite (compaction) writes the live data to a temp file on a thread of its own while the writer
/// keeps appending to the current file and also copies every batch into a side buffer; the rewrite drains
/// that buffer into the temp file, then the writer, between two batches, appends what is left, fsyncs,
/// renames the temp file over the log, fsyncs the directory and continues in the new file. Clients never
/// wait for the snapshot; the store lock is not taken at all. Changes are idempotent effects, so a change
/// that is both in the snapshot and in the side buffer does no harm.</para>
/// </remarks>
public sealed class AppendOnlyLog : IKeyValueLog, IAsyncDisposable
{
    public const string FileName = "appendonly.aof";

    /// <summary>The rewrite's file, renamed over <see cref="FileName"/> when complete; a leftover one is deleted on open.</summary>
    public const string RewriteFileName = "appendonly.aof.rewrite.tmp";

    public const long DefaultMaxPendingBytes = 64L * 1024 * 1024;

    private const int RetryDelayMs = 1000;
    private const int EverySecondMs = 1000;
    private const int IdleWakeMs = 1000;
    private const int SnapshotChunk = 1024 * 1024;
    private const int AutoRewriteRetryDelayMs = 5000;

    private readonly KeyValueStore _store;
    private readonly ILogger _logger;
    private readonly string _directory;
    private readonly string _path;
    private readonly string _rewritePath;
    private readonly Lock _gate = new();
    // Held for a whole write pass: the file handle, the batch being written and a rewrite's switch-over
    // belong to whoever holds it.
    private readonly Lock _writeMutex = new();
    private readonly Lock _sideGate = new();
    private readonly object _spaceSignal = new();
    private readonly ManualResetEventSlim _work = new(false);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _writer;

    // Guarded by _gate.
    private LogBuffer _active = new();
    private LogBuffer _writing = new();
    private long _appendedSequence;
    private long _durableSequence;
    private long _inFlightSequence;
    private TaskCompletionSource? _inFlight;
    private TaskCompletionSource? _next;
    private long _pendingBytes;
    private bool _retryPending;
    private bool _capturing;
    private long _rewriteEpoch;
    private bool _rewriting;
    private bool _rewriteAbandoned;
    private RewriteResult? _finishRequest;
    private bool _stopping;
    private bool _writerExited;
    private bool _disposed;
    private Task<bool> _lastRewrite = Task.FromResult(true);

    // Guarded by _sideGate: batches written while a rewrite runs, for the rewritten file, and which rewrite
    // they are for (a batch taken for an abandoned one must not slip into the next: it would leave a gap).
    private LogBuffer _side = new();
    private long _sideEpoch;

    // Owned by the writer thread (read elsewhere only for INFO).
    private SafeFileHandle _handle;
    private FileStream _stream;
    private long _fileLength;
    private long _baseSize;
    private bool _unsynced;
    private long _lastFsyncTicks;
    private Task? _backgroundFsync;
    private long _lastRewriteFailedTicks = long.MinValue / 2;

    private long _fsyncCount;
    private long _bytesWritten;
    private long _rewrites;
    private long _lastRewriteMs = -1;
    private volatile string? _lastWriteError;
    private volatile bool _lastRewriteOk = true;

    private AppendOnlyLog(string directory, FsyncPolicy policy, KeyValueStore store, SafeFileHandle handle, FileStream stream, long length, ILogger logger)
    {
        _directory = directory;
        _path = Path.Combine(directory, FileName);
        _rewritePath = Path.Combine(directory, RewriteFileName);
        Policy = policy;
        _store = store;
        _logger = logger;
        _handle = handle;
        _stream = stream;
        _fileLength = length;
        _baseSize = length;
        _lastFsyncTicks = Environment.TickCount64;
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "kv log writer" };
        _writer.Start();
    }

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
            store.Journal = log;
            return log;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public FsyncPolicy Policy { get; }

    /// <summary>The log file.</summary>
    public string FilePath => _path;

    /// <summary>Above this many bytes waiting for the writer, recorders block briefly (see the remarks).</summary>
    public long MaxPendingBytes { get; set; } = DefaultMaxPendingBytes;

    /// <summary>A rewrite starts by itself once the file is at least this big (Redis's <c>auto-aof-rewrite-min-size</c>).</summary>
    public long AutoRewriteMinSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>... and has grown by this percentage since the last rewrite or start (<c>auto-aof-rewrite-percentage</c>);
    /// 0 turns automatic rewrites off.</summary>
    public int AutoRewritePercentage { get; set; } = 100;

    /// <summary>A rewrite's side buffer larger than this abandons the rewrite rather than grow further.</summary>
    public long MaxRewriteBufferBytes { get; set; } = 256L * 1024 * 1024;

    /// <inheritdoc />
    public long AppendedSequence => Volatile.Read(ref _appendedSequence);

    /// <summary>The last change that is as durable as the policy promises.</summary>
    public long DurableSequence => Volatile.Read(ref _durableSequence);

    /// <summary>fsync calls made on the log so far (fewer than writes, under <c>always</c>, thanks to group commit).</summary>
    public long FsyncCount => Interlocked.Read(ref _fsyncCount);

    /// <summary>Bytes written to the log file since it was opened (rewrites included).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>The size of the log file as written so far.</summary>
    public long CurrentSize => Interlocked.Read(ref _fileLength);

    /// <summary>The size of the log after the last rewrite (or at open).</summary>
    public long BaseSize => Interlocked.Read(ref _baseSize);

    /// <summary>Completed rewrites.</summary>
    public long Rewrites => Interlocked.Read(ref _rewrites);

    /// <summary>Null while writing works; the last error's message while it does not (for a MISCONF-style refusal).</summary>
    public string? LastWriteError => _lastWriteError;

    /// <summary>The running rewrite, or the last one: true when it replaced the log, false when it failed or was abandoned.</summary>
    public Task<bool> LastRewrite
    {
        get
        {
            lock (_gate)
            {
                return _lastRewrite;
            }
        }
    }

    /// <summary>Called on the rewrite thread once the snapshot is written, before the changes made meanwhile
    /// are added: lets tests make writes at exactly that point.</summary>
    internal Action? AfterSnapshotForTests { get; set; }

    public bool IsRewriteInProgress
    {
        get
        {
            lock (_gate)
            {
                return _rewriting;
            }
        }
    }

    /// <inheritdoc />
    public void RecordSet(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = _active.Length == 0;
            _active.WriteSet(key, value, expiresAtMs);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordDelete(ReadOnlySpan<byte> key)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = _active.Length == 0;
            _active.WriteDelete(key);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordExpireAt(ReadOnlySpan<byte> key, long expiresAtMs)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = _active.Length == 0;
            _active.WriteExpireAt(key, expiresAtMs);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordClear()
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = _active.Length == 0;
            _active.WriteClear();
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    /// <exception cref="IOException">Writing (or, under <c>always</c>, syncing) the batch holding the change failed.</exception>
    /// <exception cref="ObjectDisposedException">The log was closed before the change could be written.</exception>
    public ValueTask WaitDurableAsync(long sequence, CancellationToken cancellationToken)
    {
        if (sequence <= Volatile.Read(ref _durableSequence))
        {
            return ValueTask.CompletedTask;
        }

        // everysec and no only need the write handed to the OS, which is cheap: when the writer thread is
        // not busy, the waiting connection writes the batch itself (taking everyone's changes recorded so
        // far) instead of waking the writer and being woken back. Under always, the writer thread keeps
        // the fsync, so that more waiters gather behind each one.
        // Never on an event-loop thread (ConnectionThread.MustNotBlock): a slow disk would stall every
        // connection of that loop; the writer thread does it instead.
        if (Policy != FsyncPolicy.Always && !ConnectionThread.MustNotBlock && !Volatile.Read(ref _stopping) && _writeMutex.TryEnter())
        {
            try
            {
                if (sequence > Volatile.Read(ref _durableSequence) && !Volatile.Read(ref _writerExited))
                {
                    WritePass(out _);
                }
            }
            finally
            {
                _writeMutex.Exit();
            }

            if (sequence <= Volatile.Read(ref _durableSequence))
            {
                return ValueTask.CompletedTask;
            }
        }

        Task batch;
        lock (_gate)
        {
            if (sequence <= _durableSequence)
            {
                return ValueTask.CompletedTask;
            }

            if (_writerExited)
            {
                return ValueTask.FromException(new ObjectDisposedException(nameof(AppendOnlyLog), "the append-only log was closed before this change was written"));
            }

            // One completion per batch, shared by every waiter in it: no allocation per request.
            batch = sequence <= _inFlightSequence
                ? (_inFlight ??= NewBatchCompletion()).Task
                : (_next ??= NewBatchCompletion()).Task;
        }

        return cancellationToken.CanBeCanceled ? new ValueTask(batch.WaitAsync(cancellationToken)) : new ValueTask(batch);
    }

    /// <inheritdoc />
    public bool TryStartRewrite()
    {
        TaskCompletionSource<bool> done;
        lock (_gate)
        {
            if (_rewriting || _stopping || _disposed)
            {
                return false;
            }

            // From here on every batch is also copied for the new file, so whatever the snapshot misses
            // (it starts after this) is appended after it.
            _rewriting = true;
            _capturing = true;
            _rewriteAbandoned = false;
            _rewriteEpoch++;
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

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, string>> InfoFields()
    {
        bool rewriting = IsRewriteInProgress;
        long pending = Volatile.Read(ref _pendingBytes);
        return
        [
            Field("aof_enabled", "1"),
            Field("aof_rewrite_in_progress", rewriting ? "1" : "0"),
            Field("aof_rewrite_scheduled", "0"),
            Field("aof_rewrites", Rewrites.ToString(CultureInfo.InvariantCulture)),
            Field("aof_last_rewrite_time_sec", (_lastRewriteMs < 0 ? -1 : _lastRewriteMs / 1000).ToString(CultureInfo.InvariantCulture)),
            Field("aof_last_bgrewrite_status", _lastRewriteOk ? "ok" : "err"),
            Field("aof_last_write_status", _lastWriteError is null ? "ok" : "err"),
            Field("aof_current_size", CurrentSize.ToString(CultureInfo.InvariantCulture)),
            Field("aof_base_size", BaseSize.ToString(CultureInfo.InvariantCulture)),
            Field("aof_buffer_length", pending.ToString(CultureInfo.InvariantCulture)),
            Field("aof_fsync", Policy.ToName()),
            Field("aof_fsyncs", FsyncCount.ToString(CultureInfo.InvariantCulture)),
            Field("aof_appended_seq", AppendedSequence.ToString(CultureInfo.InvariantCulture)),
            Field("aof_durable_seq", DurableSequence.ToString(CultureInfo.InvariantCulture)),
            Field("aof_dir", _directory),
        ];

        static KeyValuePair<string, string> Field(string name, string value) => new(name, value);
    }

    /// <summary>
    /// Writes and fsyncs everything recorded so far (under every policy: this is the SIGTERM path), then
    /// closes the file. A rewrite still taking its snapshot is abandoned. Changes recorded afterwards are
    /// not written: stop the listeners first.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Task<bool> rewrite;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            rewrite = _lastRewrite;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        // The writer keeps running meanwhile: a rewrite past its snapshot is finished by it.
        await rewrite.ConfigureAwait(false);

        lock (_gate)
        {
            _stopping = true;
        }

        _work.Set();
        await _writerDone.Task.ConfigureAwait(false);
        if (_backgroundFsync is { } fsync)
        {
            await fsync.ConfigureAwait(false);
        }

        _stream.Dispose();
        _shutdown.Dispose();
    }

    private long Recorded()
    {
        _appendedSequence++;
        // A failed batch kept for a retry counts towards the limit too.
        long pending = _active.Length + (_retryPending ? _writing.Length : 0);
        Volatile.Write(ref _pendingBytes, pending);
        return pending;
    }

    private void AfterRecord(bool wake, long pending)
    {
        if (wake)
        {
            _work.Set();
        }

        if (pending > MaxPendingBytes)
        {
            WaitForSpace();
        }
    }

    private void WaitForSpace()
    {
        long deadline = Environment.TickCount64 + RetryDelayMs;
        lock (_spaceSignal)
        {
            while (Volatile.Read(ref _pendingBytes) > MaxPendingBytes && !Volatile.Read(ref _writerExited))
            {
                long remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    return;
                }

                Monitor.Wait(_spaceSignal, (int)remaining);
            }
        }
    }

    private static TaskCompletionSource NewBatchCompletion() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);

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
            if (captureEpoch != 0 && _writing.Length > 0)
            {
                CaptureForRewrite(_writing.WrittenSpan, captureEpoch);
            }

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

        if (Policy == FsyncPolicy.EverySecond && written)
        {
            MaybeStartBackgroundFsync();
        }

        return written;
    }

    private int NextWakeMs()
    {
        if (Policy == FsyncPolicy.EverySecond && _unsynced)
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

    private void FailAllWaiters(Exception error)
    {
        TaskCompletionSource? inFlight;
        TaskCompletionSource? next;
        lock (_gate)
        {
            Volatile.Write(ref _writerExited, true);
            inFlight = _inFlight;
            next = _next;
            _inFlight = null;
            _next = null;
        }

        inFlight?.TrySetException(error);
        next?.TrySetException(error);
        lock (_spaceSignal)
        {
            Monitor.PulseAll(_spaceSignal);
        }
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
            foreach (var (key, value, expiresAtMs) in _store.Entries())
            {
                chunk.WriteSet(key, value, expiresAtMs);
                if (chunk.Length >= SnapshotChunk)
                {
                    length += WriteRewriteChunk(handle, chunk, length);
                    token.ThrowIfCancellationRequested();
                    ThrowIfAbandoned();
                }
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
