using System.Buffers;
using System.Globalization;
using NetKit.Connections;

namespace NetKit.Protocols.Count;

/// <summary>
/// The count service: swallows everything until the peer half-closes, then answers with the number
/// of bytes received as decimal text plus <c>\n</c>.
/// </summary>
public sealed class CountProtocol : IConnectionProtocol
{
    private readonly Action<long>? _onCompleted;
    private long _totalBytes;
    private bool _completed;

    /// <param name="onCompleted">Called once with the total at end of stream (the server logs it).</param>
    public CountProtocol(Action<long>? onCompleted = null)
    {
        _onCompleted = onCompleted;
    }

    /// <summary>Bytes received so far on this connection.</summary>
    public long TotalBytes => Volatile.Read(ref _totalBytes);

    /// <inheritdoc />
    /// <remarks>The request is the whole stream, so closing early always cuts it.</remarks>
    public bool AtRequestBoundary => false;

    /// <inheritdoc />
    public ProtocolStep Process(ReadOnlySequence<byte> input, bool endOfStream, IBufferWriter<byte> output)
    {
        // Volatile so a monitoring thread reading TotalBytes sees progress; only this connection writes.
        Volatile.Write(ref _totalBytes, _totalBytes + input.Length);
        if (!endOfStream)
        {
            return ProtocolStep.Continue(input.Length);
        }

        if (!_completed)
        {
            _completed = true;
            Span<byte> reply = output.GetSpan(21); // 20 digits of long.MaxValue plus \n
            _totalBytes.TryFormat(reply, out int written, default, CultureInfo.InvariantCulture);
            reply[written] = (byte)'\n';
            output.Advance(written + 1);
            _onCompleted?.Invoke(_totalBytes);
        }

        return ProtocolStep.CloseAfter(input.Length);
    }
}
