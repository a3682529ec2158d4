using System.Buffers;

namespace NetKit.Protocols.KeyValue;

/// <summary>
/// Parses one RESP2 multibulk request (<c>*N\r\n$len\r\nbytes\r\n...</c>) from the bytes received so far,
/// without copying: it records where each argument lies, relative to the request's first byte, and how
/// long the request is. A request cut anywhere by TCP reports <see cref="RespParseStatus.Incomplete"/>;
/// the lengths it announces are checked against the limits before anything is buffered for them.
/// </summary>
internal sealed class RespRequestParser
{
    private const int MaxHeaderDigits = 20;
    private ArgRange[] _args = new ArgRange[8];

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

    /// <summary>Parses the request at the start of <paramref name="input"/>, which must begin with <c>*</c>.</summary>
    /// <param name="length">On <see cref="RespParseStatus.Complete"/>: the request's length in bytes.</param>
    /// <param name="error">On <see cref="RespParseStatus.Error"/>: Redis's wording of what is wrong.</param>
    public RespParseStatus TryParse(in ReadOnlySequence<byte> input, out long length, out string? error)
    {
        length = 0;
        error = null;
        ArgumentCount = 0;
        var reader = new SequenceReader<byte>(input);
        reader.Advance(1);
        var status = TryReadInteger(ref reader, out long count);
        if (status == RespParseStatus.Incomplete)
        {
            return status;
        }

        if (status == RespParseStatus.Error || count > MaxArrayLength)
        {
            error = "Protocol error: invalid multibulk length";
            return RespParseStatus.Error;
        }

        for (long i = 0; i < count; i++)
        {
            if (!reader.TryPeek(out byte marker))
            {
                return RespParseStatus.Incomplete;
            }

            if (marker != (byte)'$')
            {
                error = $"Protocol error: expected '$', got '{(char)marker}'";
                return RespParseStatus.Error;
            }

            reader.Advance(1);
            status = TryReadInteger(ref reader, out long bulkLength);
            if (status == RespParseStatus.Incomplete)
            {
                return status;
            }

            if (status == RespParseStatus.Error || bulkLength < 0 || bulkLength > MaxBulkLength)
            {
                error = "Protocol error: invalid bulk length";
                return RespParseStatus.Error;
            }

            if (reader.Remaining < bulkLength + 2)
            {
                return RespParseStatus.Incomplete;
            }

            if (reader.Consumed + bulkLength > int.MaxValue)
            {
                error = "Protocol error: request too large";
                return RespParseStatus.Error;
            }

            Add(new ArgRange((int)reader.Consumed, (int)bulkLength));
            reader.Advance(bulkLength);
            if (!reader.IsNext("\r\n"u8, advancePast: true))
            {
                error = "Protocol error: expected '\\r\\n' after bulk string";
                return RespParseStatus.Error;
            }
        }

        length = reader.Consumed;
        return RespParseStatus.Complete;
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
