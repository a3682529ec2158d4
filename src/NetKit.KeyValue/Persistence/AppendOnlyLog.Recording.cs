using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NetKit.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace NetKit.KeyValue.Persistence;

// Recording: changes encoded into the active buffer under the store's write lock, and the back-pressure on recorders when the writer is far behind.
public sealed partial class AppendOnlyLog
{
    /// <inheritdoc />
    public void RecordSet(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteSet(key, value, expiresAtMs);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordDelete(int database, ReadOnlySpan<byte> key)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteDelete(key);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordExpireAt(int database, ReadOnlySpan<byte> key, long expiresAtMs)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteExpireAt(key, expiresAtMs);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordClear(int database)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteClearDatabase();
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordClearAll()
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            // FLUSHALL is the same in every database: written in whichever is selected.
            wake = BeforeRecord(_multiDatabase ? Math.Max(_selected, 0) : 0);
            _active.WriteClear();
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordHashSet(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteHashSet(key, field, value);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void RecordHashDelete(int database, ReadOnlySpan<byte> key, ReadOnlySpan<byte> field)
    {
        bool wake;
        long pending;
        lock (_gate)
        {
            wake = BeforeRecord(database);
            _active.WriteHashDelete(key, field);
            pending = Recorded();
        }

        AfterRecord(wake, pending);
    }

    /// <inheritdoc />
    public void BeginTransaction()
    {
        lock (_gate)
        {
            // MULTI is written with the transaction's first change, so one that changes nothing leaves no trace.
            _transactionOpen = true;
            _transactionStarted = false;
        }
    }

    /// <inheritdoc />
    public void EndTransaction()
    {
        bool wake = false;
        long pending = 0;
        lock (_gate)
        {
            _transactionOpen = false;
            if (_transactionStarted)
            {
                _transactionStarted = false;
                wake = _active.Length == 0;
                _active.WriteExec();
                pending = Recorded();
            }
        }

        if (pending > 0 || wake)
        {
            AfterRecord(wake, pending);
        }
    }

    /// <summary>
    /// Writes what must precede a record of <paramref name="database"/>: a SELECT when it is not the database
    /// the log last wrote, as Redis's AOF does, and the MULTI of a transaction's first change. Until a change
    /// outside database 0 is recorded there is never a SELECT (a replay starts in database 0), so a server
    /// that only uses database 0 writes exactly what it always did. Under <see cref="_gate"/>; returns
    /// whether the writer must be woken.
    /// </summary>
    private bool BeforeRecord(int database)
    {
        bool wake = _active.Length == 0;
        bool select = _multiDatabase ? database != _selected : database != 0;
        if (select)
        {
            _multiDatabase = true;
            _active.WriteSelect(database);
            _selected = database;
        }

        if (_transactionOpen && !_transactionStarted)
        {
            _transactionStarted = true;
            _active.WriteMulti();
        }

        return wake;
    }

    /// <summary>Records appended to a replayed log continue in the database its last record was in.</summary>
    private void ContinueIn(int database, bool multiDatabase)
    {
        lock (_gate)
        {
            _selected = database;
            _multiDatabase = multiDatabase || database != 0;
        }
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
}
