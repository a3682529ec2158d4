using System.Buffers;

namespace NetKit.Protocols.KeyValue;

/// <summary>
/// The kv service's connection core: <c>SET key value</c>, <c>GET key</c> and <c>QUIT</c>, one command a
/// line, over a <see cref="KeyValueStore"/> shared by all connections.
/// </summary>
/// <remarks>
/// Every complete line in the input is executed in one call and all replies go to the same output, so a
/// pipelining client gets a whole batch of replies in one send.
/// </remarks>
public sealed class KeyValueProtocol : IConnectionProtocol
{
    /// <summary>The default limit on a request line's content, in bytes (64 KiB).</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    private readonly KeyValueStore _store;
    private readonly int _maxLineLength;
    private bool _atRequestBoundary = true;

    /// <param name="store">The data, shared with the server's other connections.</param>
    /// <param name="maxLineLength">Longest accepted request line in bytes, excluding <c>\r\n</c>; a longer
    /// one is answered <c>ERR line too long</c> and closes the connection.</param>
    public KeyValueProtocol(KeyValueStore store, int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineLength);
        _store = store;
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
            // RESP2 requests (a leading '*') will be recognised here, per request, and parsed beside the
            // inline form into the same KeyValueCommands calls.
            switch (LineFramer.TryReadLine(ref reader, endOfStream, _maxLineLength, out ReadOnlySequence<byte> line))
            {
                case LineReadResult.Line:
                    if (ExecuteInline(line, output))
                    {
                        _atRequestBoundary = true;
                        // Commands pipelined after QUIT are never executed.
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

    /// <returns>True when the command asks to close the connection.</returns>
    private bool ExecuteInline(in ReadOnlySequence<byte> line, IBufferWriter<byte> output)
    {
        byte[]? rented = null;
        try
        {
            return ExecuteInline(LineFramer.AsSpan(line, ref rented), output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool ExecuteInline(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        line = line.TrimStart((byte)' ');
        if (line.IsEmpty)
        {
            // As in Redis: redis-cli --pipe sends empty lines and expects no reply to them.
            return false;
        }

        int nameEnd = line.IndexOf((byte)' ');
        ReadOnlySpan<byte> name = nameEnd < 0 ? line : line[..nameEnd];
        ReadOnlySpan<byte> arguments = nameEnd < 0 ? default : line[(nameEnd + 1)..].TrimStart((byte)' ');

        switch (KeyValueCommands.Identify(name))
        {
            case KeyValueCommand.Get:
                ExecuteGet(arguments, output);
                return false;

            case KeyValueCommand.Set:
                ExecuteSet(arguments, output);
                return false;

            case KeyValueCommand.Quit:
                return true;

            default:
                output.Write("ERR unknown command\n"u8);
                return false;
        }
    }

    private void ExecuteGet(ReadOnlySpan<byte> arguments, IBufferWriter<byte> output)
    {
        int keyEnd = arguments.IndexOf((byte)' ');
        ReadOnlySpan<byte> key = keyEnd < 0 ? arguments : arguments[..keyEnd];
        // Trailing spaces are forgiven; a second word is not, since keys cannot contain spaces inline.
        bool extraArguments = keyEnd >= 0 && !arguments[keyEnd..].TrimStart((byte)' ').IsEmpty;
        if (key.IsEmpty || extraArguments)
        {
            output.Write("ERR usage: GET <key>\n"u8);
            return;
        }

        KeyValueCommands.Get<InlineReplyFormat>(_store, key, output);
    }

    private void ExecuteSet(ReadOnlySpan<byte> arguments, IBufferWriter<byte> output)
    {
        int keyEnd = arguments.IndexOf((byte)' ');
        // The value is everything after the space that ends the key, spaces included.
        ReadOnlySpan<byte> value = keyEnd < 0 ? default : arguments[(keyEnd + 1)..];
        if (keyEnd <= 0 || value.IsEmpty)
        {
            output.Write("ERR usage: SET <key> <value>\n"u8);
            return;
        }

        KeyValueCommands.Set<InlineReplyFormat>(_store, arguments[..keyEnd], value, output);
    }
}
