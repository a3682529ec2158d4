using System.Buffers;
using System.Buffers.Text;
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

    private enum ParseStatus
    {
        Complete,
        Incomplete,
        Invalid,
    }

    /// <summary>Parses one RESP multibulk command at the start of <paramref name="input"/> into <see cref="_args"/>.</summary>
    private ParseStatus TryParse(ReadOnlySpan<byte> input, out int consumed, out int problemAt, out string? problem)
    {
        consumed = 0;
        problemAt = 0;
        problem = null;
        _argCount = 0;
        if (input.IsEmpty)
        {
            return ParseStatus.Incomplete;
        }

        if (input[0] != (byte)'*')
        {
            problem = $"expected '*' to start a command, found {Describe(input[0])}";
            return ParseStatus.Invalid;
        }

        int pos = 1;
        var status = TryReadNumber(input, ref pos, out long count, out problemAt, out problem);
        if (status != ParseStatus.Complete)
        {
            return status;
        }

        if (count < 1 || count > MaxArguments)
        {
            problemAt = 1;
            problem = $"a command of {count} arguments";
            return ParseStatus.Invalid;
        }

        for (int i = 0; i < count; i++)
        {
            if (pos >= input.Length)
            {
                return ParseStatus.Incomplete;
            }

            if (input[pos] != (byte)'$')
            {
                problemAt = pos;
                problem = $"expected '$' for argument {i + 1}, found {Describe(input[pos])}";
                return ParseStatus.Invalid;
            }

            int lengthAt = pos;
            pos++;
            status = TryReadNumber(input, ref pos, out long length, out problemAt, out problem);
            if (status != ParseStatus.Complete)
            {
                return status;
            }

            if (length < 0 || length > MaxBulkLength)
            {
                problemAt = lengthAt;
                problem = $"a bulk string of length {length}";
                return ParseStatus.Invalid;
            }

            if (input.Length - pos < length + 2)
            {
                return ParseStatus.Incomplete;
            }

            int dataAt = pos;
            pos += (int)length;
            if (input[pos] != (byte)'\r' || input[pos + 1] != (byte)'\n')
            {
                problemAt = pos;
                problem = $"argument {i + 1} is not followed by CRLF where its length says it ends";
                return ParseStatus.Invalid;
            }

            pos += 2;
            if (_argCount == _args.Length)
            {
                Array.Resize(ref _args, _args.Length * 2);
            }

            _args[_argCount++] = (dataAt, (int)length);
        }

        consumed = pos;
        return ParseStatus.Complete;
    }

    /// <summary>Reads the digits after a '*' or '$' up to CRLF.</summary>
    private static ParseStatus TryReadNumber(ReadOnlySpan<byte> input, ref int pos, out long value, out int problemAt, out string? problem)
    {
        value = 0;
        problemAt = pos;
        problem = null;
        int digitsStart = pos;
        int i = pos;
        while (i < input.Length && input[i] != (byte)'\r')
        {
            if (!char.IsAsciiDigit((char)input[i]) && !(i == digitsStart && input[i] == (byte)'-'))
            {
                problemAt = i;
                problem = $"expected a digit, found {Describe(input[i])}";
                return ParseStatus.Invalid;
            }

            if (i - digitsStart >= MaxNumberDigits)
            {
                problemAt = digitsStart;
                problem = "a length with too many digits";
                return ParseStatus.Invalid;
            }

            i++;
        }

        if (i + 1 >= input.Length)
        {
            return ParseStatus.Incomplete;
        }

        if (input[i + 1] != (byte)'\n')
        {
            problemAt = i + 1;
            problem = "a CR not followed by LF";
            return ParseStatus.Invalid;
        }

        if (!Utf8Parser.TryParse(input[digitsStart..i], out value, out int used) || used != i - digitsStart)
        {
            problemAt = digitsStart;
            problem = "a length that is not a number";
            return ParseStatus.Invalid;
        }

        pos = i + 2;
        return ParseStatus.Complete;
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

    /// <param name="dryRun">Only check the record's form.</param>
    private void Apply(ReadOnlySpan<byte> record, out string? problem, bool dryRun = false)
    {
        problem = null;
        var name = Arg(record, 0);
        var lockObject = _store.WriteLock;
        if (name.Length > 16)
        {
            problem = "an unknown command";
            return;
        }

        Span<byte> upper = stackalloc byte[name.Length];
        System.Text.Ascii.ToUpper(name, upper, out _);

        if (upper.SequenceEqual("SET"u8))
        {
            long at = 0;
            if (_argCount == 5 && EqualsIgnoreCase(Arg(record, 3), "PXAT"u8))
            {
                if (!TryParseLong(Arg(record, 4), out at) || at <= 0)
                {
                    problem = "SET with a PXAT time that is not a positive number";
                    return;
                }
            }
            else if (_argCount != 3)
            {
                problem = $"SET with {_argCount} arguments";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                if (at != 0 && at <= _nowMs)
                {
                    // Expired while the server was down: the key must not come back, whatever it held before.
                    _store.RemoveLocked(Arg(record, 1));
                    ExpiredRecords++;
                }
                else
                {
                    _store.SetLocked(Arg(record, 1), Arg(record, 2), at);
                }
            }
        }
        else if (upper.SequenceEqual("DEL"u8) || upper.SequenceEqual("UNLINK"u8))
        {
            if (_argCount < 2)
            {
                problem = "DEL without a key";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                for (int i = 1; i < _argCount; i++)
                {
                    _store.RemoveLocked(Arg(record, i));
                }
            }
        }
        else if (upper.SequenceEqual("PEXPIREAT"u8))
        {
            if (_argCount != 3 || !TryParseLong(Arg(record, 2), out long at))
            {
                problem = "PEXPIREAT without a key and a time";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                if (at <= _nowMs)
                {
                    _store.RemoveLocked(Arg(record, 1));
                    ExpiredRecords++;
                }
                else
                {
                    _store.ExpireAtLocked(Arg(record, 1), at);
                }
            }
        }
        else if (upper.SequenceEqual("PERSIST"u8))
        {
            if (_argCount != 2)
            {
                problem = "PERSIST without a key";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                _store.ExpireAtLocked(Arg(record, 1), 0);
            }
        }
        else if (upper.SequenceEqual("FLUSHALL"u8))
        {
            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                _databases.ClearAllLocked();
            }
        }
        else if (upper.SequenceEqual("FLUSHDB"u8))
        {
            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                _store.ClearLocked();
            }
        }
        else if (upper.SequenceEqual("SELECT"u8))
        {
            if (_argCount != 2 || !TryParseLong(Arg(record, 1), out long index) || index < 0)
            {
                problem = "SELECT without a database number";
                return;
            }

            if (index >= _databases.Count)
            {
                problem = $"SELECT {index}, beyond the {_databases.Count} databases configured (--databases)";
                return;
            }

            if (dryRun)
            {
                return;
            }

            SawSelect = true;
            _store = _databases[(int)index];
        }
        else if (upper.SequenceEqual("HSET"u8) || upper.SequenceEqual("HMSET"u8))
        {
            if (_argCount < 4 || _argCount % 2 != 0)
            {
                problem = $"HSET with {_argCount} arguments";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                var key = Arg(record, 1);
                if (_store.TryGetValue(key, out object current) && current is not HashValue)
                {
                    // A rewrite's snapshot may already hold what the key became later; the records after
                    // this one in the log bring it there again.
                    _store.RemoveLocked(key);
                }

                var hash = _store.GetOrAddHashLocked(key);
                for (int i = 2; i < _argCount; i += 2)
                {
                    _store.HashSetLocked(key, hash, Arg(record, i), Arg(record, i + 1));
                }
            }
        }
        else if (upper.SequenceEqual("HDEL"u8))
        {
            if (_argCount < 3)
            {
                problem = "HDEL without a field";
                return;
            }

            if (dryRun)
            {
                return;
            }

            lock (lockObject)
            {
                var key = Arg(record, 1);
                if (_store.TryGetValue(key, out object current) && current is HashValue hash)
                {
                    for (int i = 2; i < _argCount && _store.ContainsKey(key); i++)
                    {
                        _store.HashDeleteLocked(key, hash, Arg(record, i));
                    }
                }
            }
        }
        else if (upper.SequenceEqual("SADD"u8) || upper.SequenceEqual("SREM"u8))
        {
            if (!ApplySetRecord(record, upper[1] == (byte)'A', dryRun, out problem))
            {
                return;
            }
        }
        else if (TryApplySortedSet(upper, record, dryRun, out problem))
        {
            if (problem is not null || dryRun)
            {
                return;
            }
        }
        else if (IsListRecord(upper))
        {
            ApplyList(upper, record, out problem, dryRun);
            if (problem is not null || dryRun)
            {
                return;
            }
        }
        else
        {
            problem = $"an unknown command '{System.Text.Encoding.ASCII.GetString(name)}'";
            return;
        }

        Records++;
    }

    private ReadOnlySpan<byte> Arg(ReadOnlySpan<byte> record, int index) =>
        record.Slice(_args[index].Start, _args[index].Length);

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> upper) =>
        System.Text.Ascii.EqualsIgnoreCase(a, upper);

    private static bool TryParseLong(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out int used) && used == text.Length;

    private static string Describe(byte b) =>
        b is >= 0x20 and < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";
}
