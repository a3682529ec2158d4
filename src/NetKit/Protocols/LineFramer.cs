using System.Buffers;

namespace NetKit.Protocols;

/// <summary>
/// Cuts a byte stream into <c>\n</c>-terminated lines for the line-based cores (lines, kv inline).
/// Both cores share it so they agree byte for byte on framing, <c>\r\n</c> and the length limit.
/// </summary>
public static class LineFramer
{
    /// <summary>
    /// Reads the next line at <paramref name="reader"/>'s position. On <see cref="LineReadResult.Line"/>
    /// the reader has moved past the line's terminator and <paramref name="line"/> is its content with
    /// a <c>\r</c> before the <c>\n</c> removed.
    /// </summary>
    public static LineReadResult TryReadLine(
        ref SequenceReader<byte> reader, bool endOfStream, int maxLineLength, out ReadOnlySequence<byte> line)
    {
        if (reader.TryReadTo(out ReadOnlySequence<byte> terminated, (byte)'\n', advancePastDelimiter: true))
        {
            line = WithoutTrailingCarriageReturn(terminated);
            return line.Length > maxLineLength ? LineReadResult.TooLong : LineReadResult.Line;
        }

        ReadOnlySequence<byte> rest = reader.UnreadSequence;
        // A trailing \r may be half of a \r\n still in flight, so it must not count against the limit:
        // otherwise the verdict on a line of exactly the limit would depend on where TCP cut it.
        ReadOnlySequence<byte> content = WithoutTrailingCarriageReturn(rest);
        // Judged before the newline arrives so a peer that never sends one cannot make us buffer
        // without bound.
        if (content.Length > maxLineLength)
        {
            line = default;
            return LineReadResult.TooLong;
        }

        if (endOfStream && !rest.IsEmpty)
        {
            // A final \r is treated like the end of a \r\n whose \n never came: it is a line ending,
            // not content.
            reader.AdvanceToEnd();
            line = content;
            return LineReadResult.Line;
        }

        line = default;
        return LineReadResult.NeedMoreData;
    }

    /// <summary>
    /// The line as one span: its own memory when it already is contiguous (the usual case), otherwise a
    /// copy in a buffer rented into <paramref name="rented"/>, which the caller returns to
    /// <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    public static ReadOnlySpan<byte> AsSpan(in ReadOnlySequence<byte> line, ref byte[]? rented)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan;
        }

        int length = checked((int)line.Length);
        if (length > Buffers.TransientBuffers.MaxPooledLength)
        {
            // Not pooled (see TransientBuffers): the span keeps the array alive, and the GC takes it after.
            var large = GC.AllocateUninitializedArray<byte>(length);
            line.CopyTo(large);
            return large;
        }

        rented = ArrayPool<byte>.Shared.Rent(length);
        line.CopyTo(rented);
        return rented.AsSpan(0, length);
    }

    private static ReadOnlySequence<byte> WithoutTrailingCarriageReturn(ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return bytes;
        }

        byte last = bytes.IsSingleSegment ? bytes.FirstSpan[^1] : bytes.Slice(bytes.Length - 1).FirstSpan[0];
        return last == (byte)'\r' ? bytes.Slice(0, bytes.Length - 1) : bytes;
    }
}
