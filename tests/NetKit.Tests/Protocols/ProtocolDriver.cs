using System.Buffers;
using System.Text;
using NetKit.Connections;
using NetKit.Protocols;

namespace NetKit.Tests.Protocols;

/// <summary>
/// Drives an <see cref="IConnectionProtocol"/> exactly as the transports do — through their
/// <see cref="ConnectionPump"/>, one <see cref="DrivenConnection"/> per run — so a core can be tested
/// against every way TCP may cut its input: unconsumed bytes are kept, new bytes appended, the core called
/// with everything unconsumed; after the last chunk it is called once more with end of stream (unless it
/// asked to close earlier).
/// </summary>
public static class ProtocolDriver
{
    /// <summary>How the unconsumed bytes are presented to the core.</summary>
    public enum Buffering
    {
        /// <summary>One contiguous buffer, as the threads model's pooled receive buffer.</summary>
        Contiguous,

        /// <summary>One sequence segment per received chunk, as a <c>PipeReader</c> hands them over.</summary>
        Segmented,
    }

    /// <summary>Feeds <paramref name="chunks"/> to a core, in order, then signals end of stream.</summary>
    public static ProtocolRun Run(IConnectionProtocol protocol, IEnumerable<byte[]> chunks, Buffering buffering = Buffering.Segmented)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(chunks);
        var connection = new DrivenConnection(protocol, buffering);
        foreach (byte[] chunk in chunks)
        {
            connection.Receive(chunk);
            // Pushed output the core posted to itself (a MONITOR client's own commands) runs as a model would run it.
            while (connection.RunWoken())
            {
            }

            if (connection.Closed)
            {
                return new ProtocolRun(connection.Output.ToArray(), ClosedBeforeEndOfStream: true, ClosedAtEndOfStream: false);
            }
        }

        connection.EndOfStream();
        return new ProtocolRun(connection.Output.ToArray(), ClosedBeforeEndOfStream: false, ClosedAtEndOfStream: connection.ClosedAtEndOfStream);
    }

    /// <summary>
    /// Runs <paramref name="input"/> through fresh cores whole, split into two chunks at every offset, and
    /// one byte at a time, each both contiguous and segmented; asserts that every run produced the same
    /// output and close decisions, and returns that common result.
    /// </summary>
    public static ProtocolRun RunEverySplit(Func<IConnectionProtocol> createProtocol, byte[] input)
    {
        ArgumentNullException.ThrowIfNull(createProtocol);
        ArgumentNullException.ThrowIfNull(input);
        ProtocolRun expected = Run(createProtocol(), [input], Buffering.Contiguous);

        foreach (Buffering buffering in Enum.GetValues<Buffering>())
        {
            Check(expected, Run(createProtocol(), [input], buffering), $"whole, {buffering}");
            for (int offset = 1; offset < input.Length; offset++)
            {
                Check(expected, Run(createProtocol(), [input[..offset], input[offset..]], buffering), $"split at {offset}, {buffering}");
            }

            Check(expected, Run(createProtocol(), input.Select(b => new[] { b }), buffering), $"byte by byte, {buffering}");
        }

        return expected;
    }

    /// <inheritdoc cref="RunEverySplit(Func{IConnectionProtocol}, byte[])"/>
    public static ProtocolRun RunEverySplit(Func<IConnectionProtocol> createProtocol, string input) =>
        RunEverySplit(createProtocol, Encoding.UTF8.GetBytes(input));

    /// <summary>One sequence segment per array, as a <c>PipeReader</c> hands received chunks over.</summary>
    internal static ReadOnlySequence<byte> Segments(List<byte[]> arrays)
    {
        if (arrays.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(arrays[0], 0);
        Segment last = first;
        for (int i = 1; i < arrays.Count; i++)
        {
            last = last.Append(arrays[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private static void Check(ProtocolRun expected, ProtocolRun actual, string how)
    {
        Assert.True(
            expected.Output.AsSpan().SequenceEqual(actual.Output),
            $"{how}: output {Show(actual.OutputText)} differs from whole input's {Show(expected.OutputText)}");
        Assert.True(
            expected.ClosedBeforeEndOfStream == actual.ClosedBeforeEndOfStream && expected.ClosedAtEndOfStream == actual.ClosedAtEndOfStream,
            $"{how}: close decision {actual.ClosedBeforeEndOfStream}/{actual.ClosedAtEndOfStream} differs from whole input's " +
            $"{expected.ClosedBeforeEndOfStream}/{expected.ClosedAtEndOfStream}");
    }

    private static string Show(string text) => "\"" + text.Replace("\r", "\\r").Replace("\n", "\\n") + "\"";

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
