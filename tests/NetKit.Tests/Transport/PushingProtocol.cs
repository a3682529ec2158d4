using System.Buffers;
using NetKit.Connections;

namespace NetKit.Tests.Transport;

/// <summary>
/// A test core that pushes, for the outbox contract: each <c>\n</c>-terminated line is a request, echoed back,
/// after whatever was posted to its outbox. <c>listen</c> makes it wait for pushes (as a kv subscriber does),
/// <c>subscriber</c> also puts it in the subscriber class of output limit, and <c>hold</c> is held — left
/// unconsumed, nothing more read — until the test calls <see cref="Release"/>, as kv holds a paused client.
/// </summary>
internal sealed class PushingProtocol : IPushingProtocol
{
    private int _calls;
    private int _callsWhileHeld;
    private volatile bool _released;
    private volatile bool _holding;

    public ConnectionOutbox Outbox { get; private set; } = null!;

    public bool AtRequestBoundary { get; private set; } = true;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Calls made after the core held a request and before it was released: a model that read while holding.</summary>
    public int CallsWhileHeld => Volatile.Read(ref _callsWhileHeld);

    /// <summary>True from the first <c>hold</c> until <see cref="Release"/>.</summary>
    public bool Holding => _holding;

    public void AttachOutbox(ConnectionOutbox outbox) => Outbox = outbox;

    /// <summary>Lets a held <c>hold</c> run, and wakes the connection for it (from the test's thread).</summary>
    public void Release()
    {
        _released = true;
        Outbox.Wake();
    }

    public ProtocolStep Process(ReadOnlySequence<byte> input, bool endOfStream, IBufferWriter<byte> output)
    {
        Interlocked.Increment(ref _calls);
        if (_holding && !_released)
        {
            Interlocked.Increment(ref _callsWhileHeld);
        }

        Outbox.DrainTo(output, 64 * 1024);
        long consumed = 0;
        var reader = new SequenceReader<byte>(input);
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            byte[] request = line.ToArray();
            if (request.AsSpan().SequenceEqual("hold"u8))
            {
                if (!_released)
                {
                    _holding = true;
                    return ProtocolStep.Hold(consumed);
                }

                _holding = false;
                output.Write("released\n"u8);
            }
            else if (request.AsSpan().SequenceEqual("listen"u8))
            {
                Outbox.Listening = true;
                output.Write("listening\n"u8);
            }
            else if (request.AsSpan().SequenceEqual("subscriber"u8))
            {
                Outbox.Listening = true;
                Outbox.Subscriber = true;
                output.Write("subscribed\n"u8);
            }
            else
            {
                output.Write([.. request, (byte)'\n']);
            }

            consumed = reader.Consumed;
        }

        AtRequestBoundary = consumed == input.Length;
        return endOfStream ? ProtocolStep.CloseAfter(input.Length) : ProtocolStep.Continue(consumed);
    }
}
