using System.Buffers;
using BenchmarkDotNet.Attributes;
using NetKit.Protocols.Echo;

namespace NetKit.Bench;

/// <summary>The echo core on one read's worth of input, no sockets. The output writer is reused, so
/// "Allocated" is the core's own allocation per call (it should be zero).</summary>
[MemoryDiagnoser]
public class EchoProtocolBenchmarks
{
    private readonly EchoProtocol _protocol = new();
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private ReadOnlySequence<byte> _small;
    private ReadOnlySequence<byte> _large;

    [GlobalSetup]
    public void Setup()
    {
        _small = new ReadOnlySequence<byte>(Payloads.Letters(64));
        _large = new ReadOnlySequence<byte>(Payloads.Letters(4 * 1024));
    }

    [Benchmark(Description = "echo 64 B")]
    public long Echo64Bytes()
    {
        _output.ResetWrittenCount();
        return _protocol.Process(_small, endOfStream: false, _output).Consumed;
    }

    [Benchmark(Description = "echo 4 KiB")]
    public long Echo4KiB()
    {
        _output.ResetWrittenCount();
        return _protocol.Process(_large, endOfStream: false, _output).Consumed;
    }
}
