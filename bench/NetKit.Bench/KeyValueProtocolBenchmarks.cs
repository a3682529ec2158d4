using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using NetKit.KeyValue;

namespace NetKit.Bench;

/// <summary>The kv core over a store holding 1,000 keys: GET of a present key, SET, and 16 pipelined GETs
/// in one read (what <c>redis-benchmark -P 16</c> sends). The output writer is reused, so "Allocated" is
/// the core's and the store's own.</summary>
[MemoryDiagnoser]
public class KeyValueProtocolBenchmarks
{
    private readonly KeyValueStore _store = new();
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private KeyValueProtocol _protocol = null!;
    private ReadOnlySequence<byte> _getHit;
    private ReadOnlySequence<byte> _setSameValue;
    private ReadOnlySequence<byte> _setNewValueA;
    private ReadOnlySequence<byte> _setNewValueB;
    private ReadOnlySequence<byte> _sixteenGets;
    private bool _flip;

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < 1000; i++)
        {
            _store.Set(Encoding.ASCII.GetBytes($"key:{i:D6}"), Payloads.Letters(32));
        }

        _protocol = new KeyValueProtocol(_store);
        _getHit = Ascii("GET key:000500\r\n");
        _setSameValue = Ascii("SET key:000600 " + new string('x', 32) + "\r\n");
        _setNewValueA = Ascii("SET key:000700 " + new string('a', 32) + "\r\n");
        _setNewValueB = Ascii("SET key:000700 " + new string('b', 32) + "\r\n");
        var gets = new StringBuilder();
        for (int i = 0; i < 16; i++)
        {
            gets.Append("GET key:").Append((100 + i).ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
        }

        _sixteenGets = Ascii(gets.ToString());
    }

    [Benchmark(Description = "kv GET hit")]
    public long GetHit()
    {
        _output.ResetWrittenCount();
        return _protocol.Process(_getHit, endOfStream: false, _output).Consumed;
    }

    /// <summary>What redis-benchmark's SET test does: the same value again and again.</summary>
    [Benchmark(Description = "kv SET same value")]
    public long SetSameValue()
    {
        _output.ResetWrittenCount();
        return _protocol.Process(_setSameValue, endOfStream: false, _output).Consumed;
    }

    /// <summary>A changing value: the store keeps values immutable, so this one allocates the new value.</summary>
    [Benchmark(Description = "kv SET new value")]
    public long SetNewValue()
    {
        _output.ResetWrittenCount();
        _flip = !_flip;
        return _protocol.Process(_flip ? _setNewValueA : _setNewValueB, endOfStream: false, _output).Consumed;
    }

    [Benchmark(Description = "kv 16 pipelined GETs")]
    public long SixteenPipelinedGets()
    {
        _output.ResetWrittenCount();
        return _protocol.Process(_sixteenGets, endOfStream: false, _output).Consumed;
    }

    private static ReadOnlySequence<byte> Ascii(string text) => new(Encoding.ASCII.GetBytes(text));
}
