using System.Text;
using BenchmarkDotNet.Attributes;
using NetKit.Protocols.Echo;
using NetKit.Protocols.Time;

namespace NetKit.Bench;

/// <summary>The UDP handlers on one datagram, with the reply buffer reused as the UDP loop reuses it.</summary>
[MemoryDiagnoser]
public class DatagramHandlerBenchmarks
{
    private readonly TimeHandler _time = new();
    private readonly UdpEchoHandler _echo = new();
    // As large as the largest UDP payload, as the handler contract requires.
    private readonly byte[] _reply = new byte[65_507];
    private readonly byte[] _timeRequest = Encoding.ASCII.GetBytes("TIME\n");
    private readonly byte[] _junk = Encoding.ASCII.GetBytes("HELLO");
    private readonly byte[] _echoRequest = Payloads.Letters(64);

    [Benchmark(Description = "time TIME request")]
    public int TimeRequest() => _time.Handle(_timeRequest, _reply);

    [Benchmark(Description = "time dropped datagram")]
    public int TimeDropped() => _time.Handle(_junk, _reply);

    [Benchmark(Description = "udp-echo 64 B")]
    public int UdpEcho64Bytes() => _echo.Handle(_echoRequest, _reply);
}
