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
public sealed partial class AppendOnlyLog : IKeyValueLog, IAsyncDisposable
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
    // Guarded by _gate: the database the records written last were in (-1 = unknown: each batch starts
    // with a SELECT once more than database 0 is in use, so that any batch can follow a rewrite's snapshot),
    // whether any database but 0 has been, and an open transaction's MULTI state.
    private int _selected;
    private bool _multiDatabase;
    private bool _transactionOpen;
    private bool _transactionStarted;
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

    private int _policy;
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
        _policy = (int)policy;
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

    /// <summary>When writes are forced to disk; CONFIG SET appendfsync changes it while the server runs. The
    /// writer reads it once per batch, after taking the batch, so a change recorded after the switch is
    /// written under the new policy.</summary>
    public FsyncPolicy Policy
    {
        get => (FsyncPolicy)Volatile.Read(ref _policy);
        set => Volatile.Write(ref _policy, (int)value);
    }

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
}
