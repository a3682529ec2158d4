using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// Writes command replies in the request's format, so one command implementation serves both the seed's
/// text protocol, RESP2 and RESP3. In text mode an array is written as its elements, one line each. A command writes
/// what its reply is — a map, a set, a double, a push — and the writer chooses the protocol's form of it: RESP3's own
/// type, or the RESP2 shape Redis uses for it (a flat array, a bulk string).
/// </summary>
internal readonly struct ReplyWriter
{
    private readonly IBufferWriter<byte> _output;

    public ReplyWriter(IBufferWriter<byte> output, ReplyMode mode)
    {
        _output = output;
        Mode = mode;
    }

    public ReplyMode Mode { get; }

    public bool IsResp => Mode != ReplyMode.Text;

    public bool IsResp3 => Mode == ReplyMode.Resp3;

    public IBufferWriter<byte> Output => _output;

    public void Ok() => Simple("OK"u8);

    /// <summary>A status reply: <c>+OK</c> / <c>OK</c>.</summary>
    public void Simple(ReadOnlySpan<byte> text)
    {
        if (IsResp)
        {
            Write("+"u8, text, "\r\n"u8);
        }
        else
        {
            Write(default, text, "\n"u8);
        }
    }

    /// <summary>An error; <paramref name="message"/> starts with its prefix (<c>ERR</c>, <c>WRONGTYPE</c>, ...).</summary>
    public void Error(ReadOnlySpan<byte> message)
    {
        if (IsResp)
        {
            Write("-"u8, message, "\r\n"u8);
        }
        else
        {
            Write(default, message, "\n"u8);
        }
    }

    public void Error(string message)
    {
        // Errors are rare and may carry user input: encode, replacing anything that would break the line.
        Span<byte> buffer = message.Length <= 256 ? stackalloc byte[message.Length * 3] : new byte[message.Length * 3];
        int n = Encoding.UTF8.GetBytes(message, buffer);
        var bytes = buffer[..n];
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] is (byte)'\r' or (byte)'\n')
            {
                bytes[i] = (byte)' ';
            }
        }

        Error(bytes);
    }

    public void Integer(long value)
    {
        Span<byte> digits = stackalloc byte[24];
        Utf8Formatter.TryFormat(value, digits, out int n);
        if (IsResp)
        {
            Write(":"u8, digits[..n], "\r\n"u8);
        }
        else
        {
            Write(default, digits[..n], "\n"u8);
        }
    }

    /// <summary>A binary-safe string.</summary>
    public void Bulk(ReadOnlySpan<byte> value)
    {
        if (IsResp)
        {
            Span<byte> header = stackalloc byte[16];
            header[0] = (byte)'$';
            Utf8Formatter.TryFormat(value.Length, header[1..], out int n);
            header[n + 1] = (byte)'\r';
            header[n + 2] = (byte)'\n';
            Write(header[..(n + 3)], value, "\r\n"u8);
        }
        else
        {
            Write(default, value, "\n"u8);
        }
    }

    public void Bulk(string value) => Bulk(Encoding.UTF8.GetBytes(value));

    public void Bulk(long value)
    {
        Span<byte> digits = stackalloc byte[24];
        Utf8Formatter.TryFormat(value, digits, out int n);
        Bulk(digits[..n]);
    }

    /// <summary>The null bulk string: <c>$-1</c> / <c>(nil)</c>; RESP3's one null, <c>_</c>.</summary>
    public void Null()
    {
        if (IsResp3)
        {
            _output.Write("_\r\n"u8);
        }
        else if (IsResp)
        {
            _output.Write("$-1\r\n"u8);
        }
        else
        {
            _output.Write("(nil)\n"u8);
        }
    }

    /// <summary>The null array: <c>*-1</c> / <c>(nil)</c>; RESP3's one null, <c>_</c>.</summary>
    public void NullArray()
    {
        if (IsResp3)
        {
            _output.Write("_\r\n"u8);
        }
        else if (IsResp)
        {
            _output.Write("*-1\r\n"u8);
        }
        else
        {
            _output.Write("(nil)\n"u8);
        }
    }

    /// <summary>Starts an array of <paramref name="count"/> elements, written next.</summary>
    public void ArrayHeader(int count) => AggregateHeader((byte)'*', count);

    /// <summary>Starts a map of <paramref name="pairs"/> keys and values, written next, key first: RESP3's <c>%</c>,
    /// a flat array of twice as many elements in RESP2.</summary>
    public void MapHeader(int pairs)
    {
        if (IsResp3)
        {
            AggregateHeader((byte)'%', pairs);
        }
        else
        {
            AggregateHeader((byte)'*', pairs * 2);
        }
    }

    /// <summary>Starts a set (SMEMBERS, SUNION...): RESP3's <c>~</c>, an array in RESP2.</summary>
    public void SetHeader(int count) => AggregateHeader(IsResp3 ? (byte)'~' : (byte)'*', count);

    /// <summary>Starts output no request asked for (pub/sub): RESP3's <c>&gt;</c>, an array in RESP2.</summary>
    public void PushHeader(int count) => AggregateHeader(IsResp3 ? (byte)'>' : (byte)'*', count);

    /// <summary>A double already formatted as Redis prints it (<c>1.5</c>, <c>inf</c>, <c>-inf</c>): RESP3's <c>,</c>,
    /// a bulk string in RESP2.</summary>
    public void Double(ReadOnlySpan<byte> formatted)
    {
        if (IsResp3)
        {
            Write(","u8, formatted, "\r\n"u8);
        }
        else
        {
            Bulk(formatted);
        }
    }

    /// <summary>Text for people to read (INFO, CLIENT LIST): RESP3's verbatim string, marked <c>txt</c>; a bulk
    /// string otherwise.</summary>
    public void Verbatim(ReadOnlySpan<byte> text)
    {
        if (!IsResp3)
        {
            Bulk(text);
            return;
        }

        Span<byte> header = stackalloc byte[20];
        header[0] = (byte)'=';
        Utf8Formatter.TryFormat(text.Length + 4, header[1..], out int n);
        "\r\ntxt:"u8.CopyTo(header[(n + 1)..]);
        Write(header[..(n + 7)], text, "\r\n"u8);
    }

    public void Verbatim(string text) => Verbatim(Encoding.UTF8.GetBytes(text));

    private void AggregateHeader(byte type, int count)
    {
        if (IsResp)
        {
            Span<byte> header = stackalloc byte[16];
            header[0] = type;
            Utf8Formatter.TryFormat(count, header[1..], out int n);
            header[n + 1] = (byte)'\r';
            header[n + 2] = (byte)'\n';
            _output.Write(header[..(n + 3)]);
        }
        else if (count == 0)
        {
            _output.Write("(empty array)\n"u8);
        }
    }

    /// <summary>Bytes already in RESP (or text) form, written as they are.</summary>
    public void Raw(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

    private void Write(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body, ReadOnlySpan<byte> suffix)
    {
        int length = prefix.Length + body.Length + suffix.Length;
        if (length <= 64 * 1024)
        {
            Span<byte> span = _output.GetSpan(length);
            prefix.CopyTo(span);
            body.CopyTo(span[prefix.Length..]);
            suffix.CopyTo(span[(prefix.Length + body.Length)..]);
            _output.Advance(length);
        }
        else
        {
            // A large value is written in pieces rather than asking the writer for one huge span.
            _output.Write(prefix);
            _output.Write(body);
            _output.Write(suffix);
        }
    }
}
