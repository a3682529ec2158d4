using System.Buffers;
using System.Text;
using System.Text.Unicode;
using NetKit.Connections;

namespace NetKit.Protocols.Lines;

/// <summary>
/// The lines service: each <c>\n</c>-terminated line is answered with the line upper-cased
/// (<see cref="string.ToUpperInvariant"/>) plus <c>\n</c>. A line that trims to <c>quit</c> is answered
/// <c>bye</c> and closes the connection.
/// </summary>
public sealed class LinesProtocol : IConnectionProtocol
{
    /// <summary>The default limit on a line's content, in bytes (64 KiB).</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    private readonly int _maxLineLength;
    private bool _atRequestBoundary = true;

    /// <param name="maxLineLength">Longest accepted line content in bytes, excluding <c>\r\n</c>; a longer
    /// line is answered <c>ERR line too long</c> and closes the connection, which bounds what a peer can
    /// make us buffer.</param>
    public LinesProtocol(int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineLength);
        _maxLineLength = maxLineLength;
    }

    /// <inheritdoc />
    public bool AtRequestBoundary => _atRequestBoundary;

    /// <inheritdoc />
    public ProtocolStep Process(ReadOnlySequence<byte> input, bool endOfStream, IBufferWriter<byte> output)
    {
        var reader = new SequenceReader<byte>(input);
        while (true)
        {
            switch (LineFramer.TryReadLine(ref reader, endOfStream, _maxLineLength, out ReadOnlySequence<byte> line))
            {
                case LineReadResult.Line:
                    if (AnswerLine(line, output))
                    {
                        _atRequestBoundary = true;
                        // Whatever follows quit is never looked at.
                        return ProtocolStep.CloseAfter(reader.Consumed);
                    }

                    break;

                case LineReadResult.TooLong:
                    output.Write("ERR line too long\n"u8);
                    _atRequestBoundary = true;
                    return ProtocolStep.CloseAfter(input.Length);

                default:
                    _atRequestBoundary = reader.End;
                    return endOfStream ? ProtocolStep.CloseAfter(input.Length) : ProtocolStep.Continue(reader.Consumed);
            }
        }
    }

    /// <returns>True when the line asks to close the connection.</returns>
    private static bool AnswerLine(in ReadOnlySequence<byte> line, IBufferWriter<byte> output)
    {
        byte[]? rented = null;
        try
        {
            return AnswerLine(LineFramer.AsSpan(line, ref rented), output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool AnswerLine(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        if (!Ascii.IsValid(line))
        {
            return Utf8.IsValid(line) ? AnswerNonAsciiLine(line, output) : AnswerInvalidUtf8(output);
        }

        if (IsQuit(line))
        {
            output.Write("bye\n"u8);
            return true;
        }

        // For ASCII, byte-wise upper-casing is exactly what ToUpperInvariant does, without decoding.
        Span<byte> reply = output.GetSpan(line.Length + 1);
        Ascii.ToUpper(line, reply, out int written);
        reply[written] = (byte)'\n';
        output.Advance(written + 1);
        return false;
    }

    private static bool AnswerInvalidUtf8(IBufferWriter<byte> output)
    {
        output.Write("ERR invalid UTF-8\n"u8);
        return false;
    }

    private static bool AnswerNonAsciiLine(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        int charCount = Encoding.UTF8.GetCharCount(line);
        // One rental holds both the decoded line and its upper-cased copy: ToUpperInvariant refuses
        // overlapping spans.
        char[] rented = ArrayPool<char>.Shared.Rent(charCount * 2);
        try
        {
            Span<char> decoded = rented.AsSpan(0, charCount);
            Span<char> upper = rented.AsSpan(charCount, charCount);
            Encoding.UTF8.GetChars(line, decoded);

            // Trim() also strips non-ASCII white space such as U+00A0, as string.Trim() would.
            if (((ReadOnlySpan<char>)decoded).Trim().SequenceEqual("quit"))
            {
                output.Write("bye\n"u8);
                return true;
            }

            MemoryExtensions.ToUpperInvariant(decoded, upper);
            // Upper-casing can change the UTF-8 length (U+0131 ı becomes ASCII I), so measure again.
            int byteCount = Encoding.UTF8.GetByteCount(upper);
            Span<byte> reply = output.GetSpan(byteCount + 1);
            int written = Encoding.UTF8.GetBytes(upper, reply);
            reply[written] = (byte)'\n';
            output.Advance(written + 1);
            return false;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static bool IsQuit(ReadOnlySpan<byte> asciiLine)
    {
        int start = 0;
        int end = asciiLine.Length;
        // char.IsWhiteSpace keeps the ASCII path's notion of white space identical to string.Trim().
        while (start < end && char.IsWhiteSpace((char)asciiLine[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace((char)asciiLine[end - 1]))
        {
            end--;
        }

        return asciiLine[start..end].SequenceEqual("quit"u8);
    }
}
