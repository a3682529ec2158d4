using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NetKit.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace NetKit.KeyValue.Persistence;

// Durability tracking: who waits for which sequence number, released (or failed) batch by batch.
public sealed partial class AppendOnlyLog
{
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

    private static TaskCompletionSource NewBatchCompletion() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);

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
}
