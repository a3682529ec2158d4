using System.Buffers;
using System.Text;
using NetKit.Protocols;
using NetKit.KeyValue;
using NetKit.Connections;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// The RESP request parser resumes a request cut by TCP where it stopped, whatever buffer the rest comes
/// in, so a request that arrives in thousands of reads costs work in proportion to its size, not to its
/// size times the number of reads.
/// </summary>
public class RespRequestParserTests
{
    private static byte[] Request(int arguments)
    {
        var args = new byte[arguments][];
        args[0] = "MSET"u8.ToArray();
        for (int i = 1; i < arguments; i++)
        {
            args[i] = Encoding.ASCII.GetBytes($"arg:{i}");
        }

        return RespCommandRunner.Encode(args);
    }

    [Fact]
    public void ARequestFedOneByteMoreEachCall_InANewArrayEachTime_ParsesAsWhole()
    {
        byte[] input = Request(9);
        var whole = new RespRequestParser(1024, 64);
        Assert.Equal(RespParseStatus.Complete, whole.TryParse(new ReadOnlySequence<byte>(input), false, out long expectedLength, out _));
        ArgRange[] expected = whole.Arguments.ToArray();

        var parser = new RespRequestParser(1024, 64);
        for (int n = 1; n < input.Length; n++)
        {
            Assert.Equal(RespParseStatus.Incomplete, parser.TryParse(new ReadOnlySequence<byte>(input[..n]), false, out _, out _));
        }

        Assert.Equal(RespParseStatus.Complete, parser.TryParse(new ReadOnlySequence<byte>(input.ToArray()), false, out long length, out _));
        Assert.Equal(expectedLength, length);
        Assert.Equal(expected, parser.Arguments.ToArray());
        Assert.False(parser.InProgress);
    }

    [Fact]
    public void AfterACompleteRequest_TheNextStartsFresh()
    {
        var parser = new RespRequestParser(1024, 64);
        byte[] first = RespCommandRunner.Encode("SET", "k", "v");
        byte[] second = RespCommandRunner.Encode("GET", "key");
        Assert.Equal(RespParseStatus.Incomplete, parser.TryParse(new ReadOnlySequence<byte>(first[..10]), false, out _, out _));
        Assert.Equal(RespParseStatus.Complete, parser.TryParse(new ReadOnlySequence<byte>(first), false, out _, out _));

        Assert.Equal(RespParseStatus.Complete, parser.TryParse(new ReadOnlySequence<byte>(second), false, out long length, out _));

        Assert.Equal(second.Length, length);
        Assert.Equal(2, parser.ArgumentCount);
        Assert.Equal("key"u8.ToArray(), second.AsSpan(parser.Arguments[1].Start, parser.Arguments[1].Length).ToArray());
    }

    [Fact]
    public void ShorterInputThanWhatWasParsed_StartsTheRequestAgain()
    {
        var parser = new RespRequestParser(1024, 64);
        byte[] first = RespCommandRunner.Encode("SET", "k", "v");
        Assert.Equal(RespParseStatus.Incomplete, parser.TryParse(new ReadOnlySequence<byte>(first[..^1]), false, out _, out _));

        byte[] other = RespCommandRunner.Encode("PING");
        Assert.Equal(RespParseStatus.Complete, parser.TryParse(new ReadOnlySequence<byte>(other), false, out long length, out _));

        Assert.Equal(other.Length, length);
        Assert.Equal(1, parser.ArgumentCount);
    }

    [Fact]
    public void AManyArgumentRequestInManySegments_IsReadInLinearWork()
    {
        // Every byte the parser looks at comes from a segment's span; counting the spans asked for
        // shows whether each call walks the request again from its first segment.
        const int Arguments = 2_001;
        byte[] input = Request(Arguments);
        var protocol = new KeyValueProtocol(new KeyValueDatabase());
        var output = new ArrayBufferWriter<byte>();
        var segments = new List<CountingSegment>();
        const int ChunkSize = 16;
        ProtocolStep step = default;
        for (int offset = 0; offset < input.Length; offset += ChunkSize)
        {
            var memory = new CountingMemory(input[offset..Math.Min(input.Length, offset + ChunkSize)]);
            var segment = new CountingSegment(memory, offset);
            if (segments.Count > 0)
            {
                segments[^1].SetNext(segment);
            }

            segments.Add(segment);
            step = protocol.Process(new ReadOnlySequence<byte>(segments[0], 0, segment, segment.Memory.Length), false, output);
            if (offset + ChunkSize < input.Length)
            {
                Assert.Equal(0, step.Consumed);
            }
        }

        Assert.Equal(input.Length, step.Consumed);
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
        long spans = segments.Sum(s => s.Counter.Spans);
        // Linear: a few spans per segment (the call that adds it, the copy when it completes, the
        // protocol's peek at the first byte on each call). Re-walking would be about segments²/2 = 2,000,000.
        Assert.True(spans < 8L * segments.Count, $"{spans} spans read over {segments.Count} segments");
    }

    private sealed class CountingMemory(byte[] bytes) : MemoryManager<byte>
    {
        public long Spans { get; private set; }

        public override Span<byte> GetSpan()
        {
            Spans++;
            return bytes;
        }

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }

    private sealed class CountingSegment : ReadOnlySequenceSegment<byte>
    {
        public CountingSegment(CountingMemory memory, long runningIndex)
        {
            Counter = memory;
            Memory = memory.Memory;
            RunningIndex = runningIndex;
        }

        public CountingMemory Counter { get; }

        public void SetNext(CountingSegment next) => Next = next;
    }
}
