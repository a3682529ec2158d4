using System.Buffers;
using System.Text;
using NetKit.Protocols;
using NetKit.Protocols.Echo;
using NetKit.KeyValue;
using NetKit.Protocols.Lines;
using NetKit.Connections;

namespace NetKit.Tests.Protocols;

/// <summary>
/// The hot paths must not allocate per request once warmed up (design §4). Each test reuses one output
/// buffer, already grown, so only the core's own allocations are counted.
/// </summary>
public class SteadyStateAllocationTests
{
    private const int Iterations = 1_000;

    [Fact]
    public void EchoDoesNotAllocate()
    {
        Assert.Equal(0, AllocatedPerRun(new EchoProtocol(), Contiguous(new byte[512])));
    }

    [Fact]
    public void LinesAsciiDoesNotAllocate()
    {
        Assert.Equal(0, AllocatedPerRun(new LinesProtocol(), Contiguous("hello world\r\nsecond line\n")));
    }

    [Fact]
    public void LinesNonAsciiDoesNotAllocate()
    {
        Assert.Equal(0, AllocatedPerRun(new LinesProtocol(), Contiguous("héllo straße 日本\n")));
    }

    [Fact]
    public void LinesSplitAcrossSegmentsDoesNotAllocate()
    {
        Assert.Equal(0, AllocatedPerRun(new LinesProtocol(), Segmented("hello ", "world\nnext ", "line\n")));
    }

    [Fact]
    public void KeyValueGetAndSetDoNotAllocate()
    {
        var protocol = KeyValueWithoutSlowLog();

        Assert.Equal(0, AllocatedPerRun(protocol, Contiguous("SET key:1 some value\r\nGET key:1\r\nGET missing\r\n")));
    }

    [Fact]
    public void KeyValuePipelinedAcrossSegmentsDoesNotAllocate()
    {
        var protocol = KeyValueWithoutSlowLog();

        Assert.Equal(0, AllocatedPerRun(protocol, Segmented("SET k v\r\nGE", "T k\r\nSET k", " v\r\n")));
    }

    [Fact]
    public void KeyValueSetOfNewValueAllocatesOnlyTheStoredCopy()
    {
        // Storing a value that differs from the current one must copy it (stored arrays are immutable
        // because GET hands them out); nothing else may allocate.
        var protocol = KeyValueWithoutSlowLog();
        ReadOnlySequence<byte> setA = Contiguous("SET key aaaaa\n");
        ReadOnlySequence<byte> setB = Contiguous("SET key bbbbb\n");
        var output = new ArrayBufferWriter<byte>(4096);
        for (int i = 0; i < 100; i++)
        {
            protocol.Process(setA, false, output);
            protocol.Process(setB, false, output);
            output.ResetWrittenCount();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            protocol.Process(setA, false, output);
            protocol.Process(setB, false, output);
            output.ResetWrittenCount();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        const int ByteArrayOfFiveBytes = 32; // 24-byte array header + 5 bytes rounded up to 8
        Assert.InRange(allocated, 0, 2L * Iterations * ByteArrayOfFiveBytes);
    }

    /// <summary>A command that happens to take 10 ms (the thread descheduled on a busy machine) is recorded in
    /// the slow log, which allocates its entry, as Redis's does: off here, so the count is the request path's alone.</summary>
    private static KeyValueProtocol KeyValueWithoutSlowLog()
    {
        var database = new KeyValueDatabase(new KeyValueOptions(), new KeyValueStore());
        database.Settings.SlowlogSlowerThan = -1;
        return new KeyValueProtocol(database);
    }

    private static long AllocatedPerRun(IConnectionProtocol protocol, ReadOnlySequence<byte> input)
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        for (int i = 0; i < 2_000; i++) // warm-up: JIT tiers, pool caches, the store's entries
        {
            Step(protocol, input, output);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            Step(protocol, input, output);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void Step(IConnectionProtocol protocol, ReadOnlySequence<byte> input, ArrayBufferWriter<byte> output)
    {
        ProtocolStep step = protocol.Process(input, endOfStream: false, output);
        if (step.Consumed != input.Length || step.Close)
        {
            throw new InvalidOperationException("The steady-state input must be whole requests.");
        }

        output.ResetWrittenCount();
    }

    private static ReadOnlySequence<byte> Contiguous(string text) => Contiguous(Encoding.UTF8.GetBytes(text));

    private static ReadOnlySequence<byte> Contiguous(byte[] bytes) => new(bytes);

    private static ReadOnlySequence<byte> Segmented(params string[] parts)
    {
        var first = new Segment(Encoding.UTF8.GetBytes(parts[0]));
        Segment last = first;
        foreach (string part in parts.Skip(1))
        {
            last = last.Append(Encoding.UTF8.GetBytes(part));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes) => Memory = bytes;

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
