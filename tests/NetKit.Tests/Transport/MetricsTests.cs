using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.KeyValue;
using NetKit.Protocols.Echo;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>
/// The NetKit meter as a listener sees it: every instrument tagged with its service, bytes counted per
/// connection and summed when read, request durations recorded by the loop or, for kv, per command.
/// Each test names its server uniquely, so measurements of tests running beside it are told apart.
/// </summary>
public sealed class MetricsTests
{
    [Theory]
    [InlineData(ConnectionModel.Async)]
    [InlineData(ConnectionModel.Threads)]
    [InlineData(ConnectionModel.Epoll)]
    public async Task EchoCountsBytesAndConnectionsUnderItsServiceTag(ConnectionModel model)
    {
        string service = $"echo-metrics-{model}-{Guid.NewGuid():N}";
        using var recorder = new MeasurementRecorder(service);
        await using var server = new TcpServer(service, () => new EchoProtocol(), new TcpServerOptions { Model = model });
        server.Start();

        var payload = Encoding.ASCII.GetBytes(new string('x', 1000));
        using (var client = await LoopbackClient.ConnectAsync(server.LocalEndPoint))
        {
            await client.SendAsync(payload);
            Assert.Equal(payload, await client.ReadExactlyAsync(payload.Length));
            await client.SendAsync(payload.AsMemory(0, 500));
            await client.ReadExactlyAsync(500);
        }

        await TestServers.UntilAsync(() => server.ActiveConnections == 0, "the connection to be finished");
        recorder.Observe();
        Assert.Equal(1500, recorder.Last("netkit.bytes.received", service));
        Assert.Equal(1500, recorder.Last("netkit.bytes.sent", service));
        Assert.Equal(1, recorder.Sum("netkit.connections.accepted", service));
        Assert.Equal(0, recorder.Sum("netkit.connections.active", service));
        Assert.True(recorder.Count("netkit.request.duration", service) >= 2, "each run of the core is timed");
    }

    [Fact]
    public async Task RefusalsCarryTheirReason()
    {
        string service = $"echo-refused-{Guid.NewGuid():N}";
        using var recorder = new MeasurementRecorder(service);
        await using var server = new TcpServer(service, () => new EchoProtocol(),
            new TcpServerOptions { Model = ConnectionModel.Async, MaxConnections = 1 });
        server.Start();

        using var first = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await first.SendAsync("a");
        await first.ReadExactlyAsync(1);
        using var second = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await TestServers.UntilAsync(() => recorder.Sum("netkit.connections.rejected", service) == 1, "the refusal to be counted");
        Assert.Equal("max_connections", recorder.Tag("netkit.connections.rejected", service, "reason"));
    }

    [Theory]
    [InlineData(ConnectionModel.Async)]
    [InlineData(ConnectionModel.Epoll)]
    public async Task UdpCountsBytesUnderItsServiceTag(ConnectionModel model)
    {
        string service = $"udp-metrics-{model}-{Guid.NewGuid():N}";
        using var recorder = new MeasurementRecorder(service);
        await using var server = new UdpServer(service, new UdpEchoHandler(), new UdpServerOptions { Model = model });
        server.Start();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server.LocalEndPoint);
        var reply = new byte[64];
        for (int i = 0; i < 3; i++)
        {
            await socket.SendAsync("ping"u8.ToArray());
            using var deadline = new CancellationTokenSource(LoopbackClient.Timeout);
            Assert.Equal(4, await socket.ReceiveAsync(reply, deadline.Token));
        }

        recorder.Observe();
        Assert.Equal(12, recorder.Last("netkit.bytes.received", service));
        Assert.Equal(12, recorder.Last("netkit.bytes.sent", service));
        Assert.Equal(3, recorder.Sum("netkit.datagrams.received", service));
    }

    [Fact]
    public async Task KvTimesEachCommandByName()
    {
        using var recorder = new MeasurementRecorder("kv");
        await using var server = await KeyValueServer.StartAsync(new KeyValueServerOptions { Port = 0 });
        using var client = await LoopbackClient.ConnectAsync(server.EndPoint);
        string key = $"metrics-{Guid.NewGuid():N}";
        await client.SendAsync($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n$1\r\nv\r\n*2\r\n$6\r\nSTRLEN\r\n${key.Length}\r\n{key}\r\n");
        Assert.Equal("+OK\r\n:1\r\n", Encoding.ASCII.GetString(await client.ReadExactlyAsync(9)));

        var strlen = recorder.Measurements("netkit.request.duration", "kv").Where(m => Equals(m.Tags.GetValueOrDefault("command"), "strlen")).ToList();
        Assert.NotEmpty(strlen);
        Assert.All(strlen, m => Assert.InRange(m.Value, 0, 10));
    }

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    /// <summary>
    /// Collects the NetKit meter's measurements of one service while it lives. The listener is process-wide
    /// and its callbacks run on the recording thread, so measurements of other services are passed over
    /// before anything is allocated: tests beside it that count the loop's allocations must not see ours.
    /// </summary>
    private sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();
        private readonly string _service;

        public MeasurementRecorder(string service)
        {
            _service = service;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == NetKitMeter.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public void Observe() => _listener.RecordObservableInstruments();

        public IEnumerable<Measurement> Measurements(string instrument, string service) =>
            _measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault("service"), service));

        public double Sum(string instrument, string service) => Measurements(instrument, service).Sum(m => m.Value);

        public int Count(string instrument, string service) => Measurements(instrument, service).Count();

        public double Last(string instrument, string service) => Measurements(instrument, service).Last().Value;

        public object? Tag(string instrument, string service, string tag) =>
            Measurements(instrument, service).Last().Tags.GetValueOrDefault(tag);

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            bool ours = false;
            foreach (var tag in tags)
            {
                ours |= tag.Key == "service" && tag.Value is string service && service == _service;
            }

            if (!ours)
            {
                return;
            }

            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
        }
    }
}
