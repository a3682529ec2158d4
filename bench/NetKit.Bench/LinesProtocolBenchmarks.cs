using System.Buffers;
using BenchmarkDotNet.Attributes;
using NetKit.Protocols.Lines;

namespace NetKit.Bench;

/// <summary>The lines core: one 64-byte line per read, and 16 pipelined lines in one read (all replies
/// written in one call). The output writer is reused, so "Allocated" is the core's own.</summary>
[MemoryDiagnoser]
public class LinesProtocolBenchmarks
{
    private readonly LinesProtocol _protocol = new();
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private ReadOnlySequence<byte> _oneLine;
    private ReadOnlySequence<byte> _sixteenLines;

    [GlobalSetup]
    public void Setup()
    {
        _oneLine = new ReadOnlySequence<byte>(Payloads.Line(64));
        _sixteenLines = new ReadOnlySequence<byte>(Payloads.Repeat(Payloads.Line(64), 16));
    }

    [Benchmark(Description = "lines 1 line of 64 B")]
    public long OneLine()
    {
        _output.ResetWrittenCount();
        return _protocol.Process(_oneLine, endOfStream: false, _output).Consumed;
    }

    [Benchmark(Description = "lines 16 pipelined lines")]
    public long SixteenPipelinedLines()
    {
        _output.ResetWrittenCount();
        return _protocol.Process(_sixteenLines, endOfStream: false, _output).Consumed;
    }
}
