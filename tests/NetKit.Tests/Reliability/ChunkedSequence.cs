using System.Buffers;

namespace NetKit.Tests.Reliability;

/// <summary>
/// Builds a <see cref="ReadOnlySequence{T}"/> of one segment per chunk (empty chunks included), the shape a
/// pipe hands a core after several reads, so the multi-segment paths get the same inputs as the contiguous one.
/// </summary>
internal sealed class ChunkedSequence : ReadOnlySequenceSegment<byte>
{
    private ChunkedSequence(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(IEnumerable<ReadOnlyMemory<byte>> chunks)
    {
        ChunkedSequence? first = null;
        ChunkedSequence? last = null;
        foreach (var chunk in chunks)
        {
            var next = new ChunkedSequence(chunk, last is null ? 0 : last.RunningIndex + last.Memory.Length);
            if (last is null)
            {
                first = next;
            }
            else
            {
                last.Next = next;
            }

            last = next;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }
}
