using System.Buffers;
using Microsoft.Win32.SafeHandles;
using NetKit.Buffers;

namespace NetKit.KeyValue.Persistence;

/// <summary>
/// Replays an append-only log into a store, record by record, and finds where the intact part ends: a
/// record cut short by the end of the file is a torn write (a crash mid-append), anything else that does
/// not parse is damage.
/// </summary>
internal sealed partial class AppendOnlyLogReader
{
    /// <summary>Redis's own ceiling for a bulk string; a larger length is damage, not data.</summary>
    internal const long MaxBulkLength = 512L * 1024 * 1024;

    private const int MaxArguments = 1024 * 1024;
    private const int MaxNumberDigits = 20;
    private const int ReadSize = 1024 * 1024;

    private readonly DatabaseSet _databases;
    private readonly long _nowMs;
    private KeyValueStore _store;
    // A transaction's records are held back until its EXEC, so a log cut inside one (a crash mid-append)
    // never applies half of it: the replay ends before its MULTI instead.
    private readonly List<byte[]> _transaction = [];
    private long _transactionStart = -1;
    private (int Start, int Length)[] _args = new (int, int)[8];
    private int _argCount;

    public AppendOnlyLogReader(KeyValueStore store)
    {
        _databases = store.Databases;
        _store = _databases[0];
        _nowMs = store.NowMs;
    }

    /// <summary>The database the log's last record was in (where records appended after it continue).</summary>
    public int SelectedDatabase => _store.Index;

    /// <summary>Whether the log SELECTs at all (else every record is in database 0).</summary>
    public bool SawSelect { get; private set; }

    /// <summary>Where the intact part ends: before an unfinished transaction's MULTI, if one is open.</summary>
    private long IntactEnd(long offset) => _transactionStart >= 0 ? _transactionStart : offset;

    /// <summary>Records applied.</summary>
    public long Records { get; private set; }

    /// <summary>Records whose key had already expired, so they were not loaded.</summary>
    public long ExpiredRecords { get; private set; }

    /// <summary>
    /// Applies every intact record. Returns where the intact part ends (the file length when all is well),
    /// and when it does not, whether the rest is only a torn final record and what is wrong.
    /// </summary>
    public ReplayOutcome Replay(SafeFileHandle file, long fileLength)
    {
        byte[] buffer = TransientBuffers.Rent(ReadSize);
        try
        {
            long bufferOffset = 0; // file offset of buffer[0]
            int start = 0;
            int end = 0;
            bool eof = fileLength == 0;
            while (true)
            {
                if (start == end && eof)
                {
                    return _transactionStart >= 0 ? ReplayOutcome.Torn(_transactionStart) : ReplayOutcome.Intact(bufferOffset + start);
                }

                var status = TryParse(buffer.AsSpan(start, end - start), out int consumed, out int problemAt, out string? problem);
                if (status == ParseStatus.Complete)
                {
                    Consume(buffer.AsSpan(start, consumed), bufferOffset + start, out problem);
                    if (problem is not null)
                    {
                        return ReplayOutcome.Damaged(IntactEnd(bufferOffset + start), problem);
                    }

                    start += consumed;
                    continue;
                }

                if (status == ParseStatus.Invalid)
                {
                    long recordAt = bufferOffset + start;
                    // A crash can leave the tail of a file filled with zeros (size updated, data not): that is
                    // a torn write too, not damage in the middle.
                    return IsZeroFrom(file, bufferOffset + start + problemAt, fileLength)
                        ? ReplayOutcome.Torn(IntactEnd(recordAt))
                        : ReplayOutcome.Damaged(IntactEnd(recordAt), $"{problem} (at byte {bufferOffset + start + problemAt})");
                }

                // Incomplete: the record goes on past what has been read.
                if (eof)
                {
                    return ReplayOutcome.Torn(IntactEnd(bufferOffset + start));
                }

                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    bufferOffset += start;
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    // One record larger than the buffer (a big value): grow to hold it whole.
                    var bigger = TransientBuffers.Rent(checked(buffer.Length * 2));
                    buffer.AsSpan(0, end).CopyTo(bigger);
                    TransientBuffers.Return(buffer);
                    buffer = bigger;
                }

                int read = RandomAccess.Read(file, buffer.AsSpan(end), bufferOffset + end);
                end += read;
                eof = read == 0 || bufferOffset + end >= fileLength;
            }
        }
        finally
        {
            TransientBuffers.Return(buffer);
        }
    }

    private static bool IsZeroFrom(SafeFileHandle file, long offset, long fileLength)
    {
        byte[] chunk = TransientBuffers.Rent(64 * 1024);
        try
        {
            while (offset < fileLength)
            {
                int read = RandomAccess.Read(file, chunk.AsSpan(0, (int)Math.Min(chunk.Length, fileLength - offset)), offset);
                if (read == 0)
                {
                    break;
                }

                if (chunk.AsSpan(0, read).ContainsAnyExcept((byte)0))
                {
                    return false;
                }

                offset += read;
            }

            return true;
        }
        finally
        {
            TransientBuffers.Return(chunk);
        }
    }

    /// <summary>Applies a record, or holds it back while a transaction is open.</summary>
    private void Consume(ReadOnlySpan<byte> record, long offset, out string? problem)
    {
        problem = null;
        var name = Arg(record, 0);
        if (EqualsIgnoreCase(name, "MULTI"u8))
        {
            if (_transactionStart >= 0)
            {
                problem = "a MULTI inside a transaction";
                return;
            }

            _transactionStart = offset;
            Records++;
            return;
        }

        if (EqualsIgnoreCase(name, "EXEC"u8))
        {
            if (_transactionStart < 0)
            {
                problem = "an EXEC without MULTI";
                return;
            }

            _transactionStart = -1;
            Records++;
            foreach (byte[] held in _transaction)
            {
                TryParse(held, out _, out _, out _);
                Apply(held, out problem);
                if (problem is not null)
                {
                    return;
                }
            }

            _transaction.Clear();
            return;
        }

        if (_transactionStart >= 0)
        {
            // Checked now, applied at EXEC: a damaged record inside is damage at the MULTI, with nothing applied.
            Apply(record, out problem, dryRun: true);
            _transaction.Add(record.ToArray());
            return;
        }

        Apply(record, out problem);
    }
}
