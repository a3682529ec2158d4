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
