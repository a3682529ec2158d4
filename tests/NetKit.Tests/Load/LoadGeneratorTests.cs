using System.Net;
using System.Net.Sockets;
using NetKit.Hosting;
using NetKit.KeyValue;
using NetKit.Load;
using NetKit.Tests.Transport;
using NetKit.Transport;

namespace NetKit.Tests.Load;

/// <summary>The load generator against in-process servers on loopback, with each engine: every target is
/// driven and counted, wrong replies are errors, an open loop keeps to its rate, and a run where nothing
/// is answered says so. Runs are bounded by a request budget or a short duration, never by sleeping.</summary>
public sealed class LoadGeneratorTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    public static TheoryData<LoadEngine> Engines()
    {
        var engines = new TheoryData<LoadEngine> { LoadEngine.Async };
        if (OperatingSystem.IsLinux())
        {
            engines.Add(LoadEngine.Epoll);
        }

        return engines;
    }

    public static TheoryData<LoadEngine, LoadPayload, KvOperation, bool, int> Targets()
    {
        var data = new TheoryData<LoadEngine, LoadPayload, KvOperation, bool, int>();
        foreach (LoadEngine engine in Engines())
        {
            data.Add(engine, LoadPayload.Echo, KvOperation.Get, false, 1);
            data.Add(engine, LoadPayload.Echo, KvOperation.Get, false, 8);
            data.Add(engine, LoadPayload.Lines, KvOperation.Get, false, 1);
            data.Add(engine, LoadPayload.Lines, KvOperation.Get, false, 4);
            data.Add(engine, LoadPayload.Count, KvOperation.Get, false, 1);
            data.Add(engine, LoadPayload.KvResp, KvOperation.Get, false, 1);
            data.Add(engine, LoadPayload.KvResp, KvOperation.Set, false, 16);
            data.Add(engine, LoadPayload.KvResp, KvOperation.Set, true, 1);
            data.Add(engine, LoadPayload.KvInline, KvOperation.Get, false, 1);
            data.Add(engine, LoadPayload.KvInline, KvOperation.Set, true, 4);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Every_request_of_the_budget_is_sent_answered_checked_and_counted(
        LoadEngine engine, LoadPayload payload, KvOperation operation, bool changing, int pipeline)
    {
        await using var server = TestServers.Start(ServiceFor(payload), new ServiceSettings());
        const int budget = 600;
        var options = Options(server, payload, engine) with
        {
            KvOperation = operation,
            ChangingValues = changing,
            Pipeline = pipeline,
            Connections = 6,
            MaxRequests = budget,
            Duration = RunLimit,
        };

        LoadReport report = await LoadGenerator.RunAsync(options).WaitAsync(RunLimit);

        Assert.True(report.FirstError is null, report.FirstError?.Message);
        Assert.Equal(6, report.ConnectionsOpened);
        Assert.Equal(budget, report.Requests);
        Assert.Equal(budget, report.Latency.Count);
        Assert.Equal(0, report.Errors);
        Assert.Equal(0, report.TimedOut);
        Assert.Equal(engine, report.Engine);
        Assert.True(report.P99Microseconds >= report.P50Microseconds);
        Assert.True(report.MaxMicroseconds >= report.P9999Microseconds);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_run_of_a_given_duration_measures_that_long_and_reads_the_servers_cpu(LoadEngine engine)
    {
        await using var server = TestServers.Start(NetKitServices.Echo, new ServiceSettings());
        var options = Options(server, LoadPayload.Echo, engine) with
        {
            Connections = 20,
            Warmup = TimeSpan.FromMilliseconds(100),
            Duration = TimeSpan.FromMilliseconds(500),
            ServerPid = Environment.ProcessId,
        };

        LoadReport report = await LoadGenerator.RunAsync(options).WaitAsync(RunLimit);

        Assert.True(report.FirstError is null, report.FirstError?.Message);
        Assert.True(report.Requests > 0);
        Assert.InRange(report.MeasuredSeconds, 0.4, 0.6);
        Assert.NotNull(report.ServerCpuSeconds);
        Assert.True(report.ServerCpuSeconds >= 0);
        Assert.NotNull(report.GeneratorCpuSeconds);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_reply_that_differs_from_the_expected_one_is_an_error(LoadEngine engine)
    {
        // An echo server sends the line back lower-case; the lines target wants it upper-cased.
        await using var server = TestServers.Start(NetKitServices.Echo, new ServiceSettings());
        var options = Options(server, LoadPayload.Lines, engine) with { Connections = 3, MaxRequests = 100, Duration = RunLimit };

        LoadReport report = await LoadGenerator.RunAsync(options).WaitAsync(RunLimit);

        Assert.Equal(3, report.Errors);
        Assert.Equal(0, report.Requests);
        Assert.True(report.AllFailed);
        Assert.Equal(NetErrorKind.ProtocolViolation, report.FirstError?.Kind);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_kv_request_answered_with_other_bytes_is_an_error(LoadEngine engine)
    {
        // Echo answers a RESP GET with the request itself, which is no RESP reply to a GET.
        await using var server = TestServers.Start(NetKitServices.Echo, new ServiceSettings());
        var options = Options(server, LoadPayload.KvResp, engine) with { Connections = 2, MaxRequests = 50, Duration = RunLimit };

        LoadReport report = await LoadGenerator.RunAsync(options).WaitAsync(RunLimit);

        Assert.Equal(2, report.Errors);
        Assert.Equal(NetErrorKind.ProtocolViolation, report.FirstError?.Kind);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task An_open_loop_sends_at_its_rate_not_as_fast_as_the_server_answers(LoadEngine engine)
    {
        await using var server = TestServers.Start(NetKitServices.Echo, new ServiceSettings());
        var options = Options(server, LoadPayload.Echo, engine) with
        {
            Connections = 4,
            Rate = 200,
            Warmup = TimeSpan.Zero,
            Duration = TimeSpan.FromSeconds(1),
        };

        LoadReport report = await LoadGenerator.RunAsync(options).WaitAsync(RunLimit);

        // 200 are due in the window; a closed loop would do thousands. A stalled machine may answer fewer
        // in time, but never more than were due.
        Assert.True(report.FirstError is null, report.FirstError?.Message);
        Assert.InRange(report.Requests, 100, 201);
        Assert.Equal(0, report.Errors);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_server_that_accepts_and_closes_fails_every_request(LoadEngine engine)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(64);
        using var stop = new CancellationTokenSource(RunLimit);
        Task closer = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using Socket accepted = await listener.AcceptAsync(stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var options = new LoadOptions
        {
            Target = new HostPort("127.0.0.1", ((IPEndPoint)listener.LocalEndPoint!).Port),
            Engine = engine,
            Connections = 4,
            Warmup = TimeSpan.Zero,
            Duration = TimeSpan.FromSeconds(20),
        };

        LoadReport report = await LoadGenerator.RunAsync(options).WaitAsync(RunLimit);
        await stop.CancelAsync();
        await closer;

        // Every connection fails at once, so the run ends well before its duration.
        Assert.True(report.AllFailed);
        Assert.Equal(0, report.Requests);
        Assert.True(report.Errors + report.ConnectFailures >= 4, $"errors {report.Errors}, connect failures {report.ConnectFailures}");
        Assert.True(report.MeasuredSeconds < 15);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task A_closed_port_fails_every_connection_with_its_kind(LoadEngine engine)
    {
        using Socket reserved = BoundNotListening();
        int port = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        var options = new LoadOptions { Target = new HostPort("127.0.0.1", port), Engine = engine, Connections = 5 };

        LoadReport report = await LoadGenerator.RunAsync(options).WaitAsync(RunLimit);

        Assert.True(report.AllFailed);
        Assert.Equal(0, report.ConnectionsOpened);
        Assert.Equal(5, report.ConnectFailures);
        Assert.Equal(NetErrorKind.ConnectionRefused, report.FirstConnectError?.Kind);
    }

    [Fact]
    public void Cpu_time_is_read_from_proc_stat_after_a_command_name_with_spaces_and_parentheses()
    {
        // Fields 14 and 15 (utime 250, stime 150 ticks of 1/100 s, Linux's clock tick) counted after the last ')'.
        string stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 1 0 5 1000 10";
        Assert.Equal(4.0, ProcessCpuTime.ReadProcStat(stat), 6);
    }

    internal static LoadOptions Options(INetworkServer server, LoadPayload payload, LoadEngine engine) => new()
    {
        Target = new HostPort("127.0.0.1", EndPointPort.Of(server.LocalEndPoint)),
        Payload = payload,
        Engine = engine,
        Warmup = TimeSpan.Zero,
        MessageSize = 32,
        Keys = 50,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>A port bound but never listening: connections to it are refused, and while the socket is
    /// held no other test can take the port.</summary>
    internal static Socket BoundNotListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static ServiceDefinition ServiceFor(LoadPayload payload) => payload switch
    {
        LoadPayload.Echo => NetKitServices.Echo,
        LoadPayload.Lines => NetKitServices.Lines,
        LoadPayload.Count => NetKitServices.Count,
        _ => KeyValueService.Definition,
    };
}
