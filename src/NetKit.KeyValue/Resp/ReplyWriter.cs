using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// Writes command replies in the request's format, so one command implementation serves both the seed's
/// text protocol and RESP2. In text mode an array is written as its elements, one line each.
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

    public bool IsResp => Mode == ReplyMode.Resp;

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

    /// <summary>The null bulk string: <c>$-1</c> / <c>(nil)</c>.</summary>
    public void Null()
    {
        if (IsResp)
        {
            _output.Write("$-1\r\n"u8);
        }
        else
        {
            _output.Write("(nil)\n"u8);
        }
    }

    /// <summary>The null array: <c>*-1</c> / <c>(nil)</c>.</summary>
    public void NullArray()
    {
        if (IsResp)
        {
            _output.Write("*-1\r\n"u8);
        }
        else
        {
            _output.Write("(nil)\n"u8);
        }
    }

    /// <summary>Starts an array of <paramref name="count"/> elements, written next.</summary>
    public void ArrayHeader(int count)
    {
        if (IsResp)
        {
            Span<byte> header = stackalloc byte[16];
            header[0] = (byte)'*';
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
