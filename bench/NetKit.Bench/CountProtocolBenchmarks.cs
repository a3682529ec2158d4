using System.Buffers;
using BenchmarkDotNet.Attributes;
using NetKit.Protocols.Count;

namespace NetKit.Bench;

/// <summary>The count core swallowing one 64 KiB read (the stream never ends, so no reply is written).</summary>
[MemoryDiagnoser]
public class CountProtocolBenchmarks
{
    private readonly CountProtocol _protocol = new();
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private ReadOnlySequence<byte> _chunk;

    [GlobalSetup]
    public void Setup() => _chunk = new ReadOnlySequence<byte>(Payloads.Letters(64 * 1024));

    [Benchmark(Description = "count 64 KiB chunk")]
    public long Chunk64KiB()
    {
        _output.ResetWrittenCount();
        return _protocol.Process(_chunk, endOfStream: false, _output).Consumed;
    }
}
