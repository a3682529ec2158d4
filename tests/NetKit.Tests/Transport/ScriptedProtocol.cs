using System.Buffers;
using NetKit.Protocols;
using NetKit.Connections;

namespace NetKit.Tests.Transport;

/// <summary>
/// A test core for the connection loop's edge cases: each <c>\n</c>-terminated line is one request,
/// answered by <see cref="ReplyFor"/>; it may stop after each request as if its output budget were spent,
/// and may say its replies must wait for something that fails, as kv's do when the log cannot be written,
/// or that completes only when the test says, as kv's do once the log is synced.
/// </summary>
internal sealed class ScriptedProtocol : IConnectionProtocol
{
    private bool _atBoundary = true;
    private bool _offloaded;
    private int _calls;
    private Task? _lastGate;

    /// <summary>The reply to one line (without its <c>\n</c>); the line itself plus <c>\n</c> by default.</summary>
    public Func<byte[], byte[]> ReplyFor { get; init; } = line => [.. line, (byte)'\n'];

    /// <summary>Answer one request per call and say the output is full, so the loop must call again.</summary>
    public bool OneRequestPerCall { get; init; }

    /// <summary>When set, the replies' gate fails with this (the durability wait failing).</summary>
    public Exception? GateFailure { get; init; }

    /// <summary>When set, what the replies of each call wait for (a durability wait in progress).</summary>
    public Func<Task>? DelayedGate { get; init; }

    /// <summary>Calls made while the replies of an earlier one still waited on <see cref="DelayedGate"/>.</summary>
    public int CallsWhileGated { get; private set; }

    /// <summary>A line starting with "boom" makes the core throw, as a bug in a core would.</summary>
    public bool ThrowOnBoom { get; init; }

    /// <summary>Never consumes anything: a request that never completes.</summary>
    public bool NeverConsumes { get; init; }

    /// <summary>Ask once, for each line starting with "block", to be run where blocking is allowed.</summary>
    public bool OffloadBlockingLines { get; init; }

    /// <summary>Whether each "block" line ran on a thread that allowed blocking.</summary>
    public List<bool> BlockingLinesRanWhereAllowed { get; } = [];

    /// <summary>Calls of <see cref="Process"/>, to tell a call made for new input from one made for the rest.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public bool AtRequestBoundary => _atBoundary;

    /// <summary>Bytes left unconsumed by the last call: a request received in part.</summary>
    public long Unconsumed { get; private set; }

    public ProtocolStep Process(ReadOnlySequence<byte> input, bool endOfStream, IBufferWriter<byte> output)
    {
        Interlocked.Increment(ref _calls);
        if (_lastGate is { IsCompleted: false })
        {
            CallsWhileGated++;
        }

        long consumed = 0;
        var reader = new SequenceReader<byte>(input);
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (ThrowOnBoom && line.FirstSpan.StartsWith("boom"u8))
            {
                throw new InvalidOperationException("a core with a bug");
            }

            if (OffloadBlockingLines && line.FirstSpan.StartsWith("block"u8))
            {
                if (!_offloaded)
                {
                    _offloaded = true;
                    _atBoundary = false;
                    return Gated(ProtocolStep.RunElsewhere(consumed));
                }

                _offloaded = false;
                BlockingLinesRanWhereAllowed.Add(!Connections.ConnectionThread.MustNotBlock);
            }

            output.Write(ReplyFor(line.ToArray()));
            consumed = reader.Consumed;
            if (OneRequestPerCall && !reader.End)
            {
                _atBoundary = true;
                return Gated(ProtocolStep.Full(consumed));
            }
        }

        _atBoundary = consumed == input.Length;
        Unconsumed = input.Length - consumed;
        return Gated(endOfStream ? ProtocolStep.CloseAfter(input.Length) : ProtocolStep.Continue(consumed));
    }

    private ProtocolStep Gated(ProtocolStep step)
    {
        if (GateFailure is not null)
        {
            return step with { RepliesReady = ValueTask.FromException(GateFailure) };
        }

        if (DelayedGate is null)
        {
            return step;
        }

        _lastGate = DelayedGate();
        return step with { RepliesReady = new ValueTask(_lastGate) };
    }
}
