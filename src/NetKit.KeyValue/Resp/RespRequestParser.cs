using System.Buffers;

namespace NetKit.KeyValue;

/// <summary>
/// Parses one RESP2 multibulk request (<c>*N\r\n$len\r\nbytes\r\n...</c>) from the bytes received so far,
/// without copying: it records where each argument lies, relative to the request's first byte, and how
/// long the request is. A request cut anywhere by TCP reports <see cref="RespParseStatus.Incomplete"/>;
/// the lengths it announces are checked against the limits before anything is buffered for them.
/// </summary>
/// <remarks>
/// Resumable: while a request is incomplete the parser keeps the arguments found so far and how far it
/// got, and the next call continues from there, so a request that arrives in many reads is parsed once
/// in all (an MSET of 500,000 arguments sent in 4 KiB writes would otherwise be parsed again from its
/// first byte on each of its thousands of reads). The caller must hand the same request again, from its
/// first byte, until it is complete or abandoned with <see cref="Reset"/>; the bytes may be in another
/// buffer each time, so progress is kept as offsets from the request's start, never as positions.
/// </remarks>
internal sealed class RespRequestParser
{
    /// <summary>Redis's limits on what a client that has not authenticated may announce (CVE-2021-32675):
    /// without them anyone who can connect makes the server buffer up to the full limits.</summary>
    public const int UnauthenticatedMaxArrayLength = 10;

    /// <inheritdoc cref="UnauthenticatedMaxArrayLength"/>
    public const int UnauthenticatedMaxBulkLength = 16 * 1024;

    private const int MaxHeaderDigits = 20;
    private ArgRange[] _args = new ArgRange[8];

    // The request in progress. _parsed is how many of its bytes are parsed: 0 before its header, then
    // always just after a header or a whole argument. _bulkLength is the length announced by the bulk
    // header just parsed whose data has not all arrived, or -1.
    private long _parsed;
    private long _announced;
    private long _bulkLength = -1;

    public RespRequestParser(long maxBulkLength, int maxArrayLength)
    {
        MaxBulkLength = maxBulkLength;
        MaxArrayLength = maxArrayLength;
    }

    public long MaxBulkLength { get; }

    public int MaxArrayLength { get; }

    /// <summary>The arguments of the last complete request (the command name first).</summary>
    public ReadOnlySpan<ArgRange> Arguments => _args.AsSpan(0, ArgumentCount);

    public int ArgumentCount { get; private set; }

    /// <summary>True while a request has been started but not completed.</summary>
    public bool InProgress => _parsed > 0;

    /// <summary>Parses the request at the start of <paramref name="input"/>, which must begin with <c>*</c>.</summary>
    /// <param name="unauthenticated">Apply Redis's tighter limits for a client that has not yet authenticated.</param>
    /// <param name="length">On <see cref="RespParseStatus.Complete"/>: the request's length in bytes.</param>
    /// <param name="error">On <see cref="RespParseStatus.Error"/>: Redis's wording of what is wrong.</param>
    public RespParseStatus TryParse(in ReadOnlySequence<byte> input, bool unauthenticated, out long length, out string? error)
    {
        length = 0;
        error = null;
        if (input.Length < _parsed)
        {
            // Not the request this parser was in the middle of: start again rather than trust stale offsets.
            Reset();
        }

        // Slicing skips whole segments by their lengths alone, cheaper than a reader advancing through
        // them; offsets below are from the request's start: resumedAt plus what this reader consumed.
        long resumedAt = _parsed;
        var reader = new SequenceReader<byte>(resumedAt == 0 ? input : input.Slice(resumedAt));
        if (resumedAt == 0)
        {
            ArgumentCount = 0;
            _bulkLength = -1;
            reader.Advance(1);
            var status = TryReadInteger(ref reader, out long count);
            if (status == RespParseStatus.Incomplete)
            {
                return status;
            }

            if (status == RespParseStatus.Error || count > MaxArrayLength)
            {
                return Fail("Protocol error: invalid multibulk length", out error);
            }

            if (unauthenticated && count > UnauthenticatedMaxArrayLength)
            {
                return Fail("Protocol error: unauthenticated multibulk length", out error);
            }

            _announced = count;
            _parsed = reader.Consumed;
        }

        while (ArgumentCount < _announced)
        {
            if (_bulkLength < 0)
            {
                if (!reader.TryPeek(out byte marker))
                {
                    return RespParseStatus.Incomplete;
                }

                if (marker != (byte)'$')
                {
                    return Fail($"Protocol error: expected '$', got '{(char)marker}'", out error);
                }

                reader.Advance(1);
                // A header cut by TCP is read again next time from its '$': at most a few bytes.
                var status = TryReadInteger(ref reader, out long bulkLength);
                if (status == RespParseStatus.Incomplete)
                {
                    return status;
                }

                if (status == RespParseStatus.Error || bulkLength < 0 || bulkLength > MaxBulkLength)
                {
                    return Fail("Protocol error: invalid bulk length", out error);
                }

                if (unauthenticated && bulkLength > UnauthenticatedMaxBulkLength)
                {
                    return Fail("Protocol error: unauthenticated bulk length", out error);
                }

                if (resumedAt + reader.Consumed + bulkLength + 2 > int.MaxValue)
                {
                    // Arguments are addressed by int offsets; refused at the header, before the data is buffered.
                    return Fail("Protocol error: request too large", out error);
                }

                _bulkLength = bulkLength;
                _parsed = resumedAt + reader.Consumed;
            }

            if (reader.Remaining < _bulkLength + 2)
            {
                return RespParseStatus.Incomplete;
            }

            Add(new ArgRange((int)(resumedAt + reader.Consumed), (int)_bulkLength));
            reader.Advance(_bulkLength);
            if (!reader.IsNext("\r\n"u8, advancePast: true))
            {
                return Fail("Protocol error: expected '\\r\\n' after bulk string", out error);
            }

            _bulkLength = -1;
            _parsed = resumedAt + reader.Consumed;
        }

        length = resumedAt + reader.Consumed;
        _parsed = 0;
        return RespParseStatus.Complete;
    }

    /// <summary>Forgets a request in progress (the connection gave up on it).</summary>
    public void Reset()
    {
        _parsed = 0;
        _bulkLength = -1;
        ArgumentCount = 0;
    }

    private RespParseStatus Fail(string message, out string error)
    {
        error = message;
        Reset();
        return RespParseStatus.Error;
    }

    private void Add(ArgRange range)
    {
        if (ArgumentCount == _args.Length)
        {
            // Grown as arguments actually arrive, never from the announced count, so "*1000000" alone
            // costs nothing.
            Array.Resize(ref _args, _args.Length * 2);
        }

        _args[ArgumentCount++] = range;
    }

    /// <summary>Reads a decimal integer terminated by <c>\r\n</c>.</summary>
    private static RespParseStatus TryReadInteger(ref SequenceReader<byte> reader, out long value)
    {
        value = 0;
        bool negative = false;
        int digits = 0;
        while (true)
        {
            if (!reader.TryRead(out byte b))
            {
                return RespParseStatus.Incomplete;
            }

            if (b == (byte)'\r')
            {
                if (!reader.TryRead(out byte lf))
                {
                    return RespParseStatus.Incomplete;
                }

                if (lf != (byte)'\n' || digits == 0)
                {
                    return RespParseStatus.Error;
                }

                if (negative)
                {
                    value = -value;
                }

                return RespParseStatus.Complete;
            }

            if (b == (byte)'-' && digits == 0 && !negative)
            {
                negative = true;
                continue;
            }

            if (b is < (byte)'0' or > (byte)'9' || ++digits > MaxHeaderDigits - 2)
            {
                return RespParseStatus.Error;
            }

            value = (value * 10) + (b - '0');
        }
    }
}
