using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using NetKit.Connections;
using NetKit.Hosting;
using NetKit.Protocols.Echo;
using NetKit.Tests.KeyValue.Persistence;
using NetKit.Transport;

namespace NetKit.Tests.Transport.Tls;

/// <summary>
/// echo, lines, count and kv over TLS in process: the same wire behaviour as in plain, through the TLS model
/// whatever model is asked for, with the same limits and stop rules; a client that does not trust the
/// server's CA refuses it, and a peer that fails the handshake costs one log line and nothing else.
/// </summary>
public sealed class TlsServiceTests
{
    private static readonly TestCertificates Certificates = TestCertificates.Instance;

    public static TheoryData<ConnectionModel> Models => [ConnectionModel.Epoll, ConnectionModel.Async, ConnectionModel.Threads];

    private static INetworkServer Start(ServiceDefinition service, ServiceSettings? settings = null, EndPoint? endPoint = null) =>
        TestServers.Start(service, (settings ?? new ServiceSettings()) with { Tls = Certificates.ServerOptions() }, endPoint);

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Echo_OneMebibyteWhileReading_ComesBackExactly(ConnectionModel model)
    {
        await using var server = Start(NetKitServices.Echo, new ServiceSettings { Model = model });
        Assert.True(Assert.Single(server.Listeners).Tls);
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
        byte[] data = RandomBytes(1024 * 1024, seed: 1);

        var sending = client.SendAsync(data);
        byte[] echoed = await client.ReadExactlyAsync(data.Length);
        await sending.WithinAsync("sending 1 MiB over TLS");

        TestServers.AssertSameBytes(data, echoed);
    }

    [Fact]
    public async Task Echo_AfterCloseNotify_SendsTheRestAndCloses()
    {
        await using var server = Start(NetKitServices.Echo);
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
        byte[] data = RandomBytes(300 * 1024, seed: 2);

        async Task SendAndCloseAsync()
        {
            await client.SendAsync(data);
            await client.ShutdownSendAsync();
        }

        var sending = SendAndCloseAsync();
        byte[] echoed = await client.ReadToEndAsync();
        await sending.WithinAsync("sending then close_notify");

        TestServers.AssertSameBytes(data, echoed);
    }

    [Fact]
    public async Task Lines_UpperCases_AndQuitIsAnsweredByeThenClosed()
    {
        await using var server = Start(NetKitServices.Lines);
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("hello\r\nwörld\n");
        await client.ExpectAsync("HELLO\nWÖRLD\n");
        await client.SendAsync("quit\nnot run\n");

        Assert.Equal("bye\n", Encoding.UTF8.GetString(await client.ReadToEndAsync()));
    }

    [Fact]
    public async Task Lines_ALineOverTheLimit_GetsTheErrorThenTheClose()
    {
        await using var server = Start(NetKitServices.Lines, new ServiceSettings { MaxLineLength = 1024 });
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync(new string('x', 5000) + "\n");

        Assert.Equal("ERR line too long\n", Encoding.UTF8.GetString(await client.ReadToEndAsync()));
    }

    [Fact]
    public async Task Count_AnswersTheTotalAfterCloseNotify()
    {
        await using var server = Start(NetKitServices.Count);
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync(RandomBytes(200_000, seed: 3));
        await client.ShutdownSendAsync();

        Assert.Equal("200000\n", Encoding.ASCII.GetString(await client.ReadToEndAsync()));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task KeyValue_InlineAndResp_OverTls(ConnectionModel model)
    {
        await using var server = Start(global::NetKit.KeyValue.KeyValueService.Definition, new ServiceSettings { Model = model });
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("SET greeting hello world\nGET greeting\n");
        await client.ExpectAsync("OK\nhello world\n");
        await client.SendAsync("*2\r\n$3\r\nGET\r\n$8\r\ngreeting\r\n*1\r\n$4\r\nPING\r\n");
        await client.ExpectAsync("$11\r\nhello world\r\n+PONG\r\n");
    }

    [Fact]
    public async Task OverIpv6AndAUnixSocket_TheSame()
    {
        using var directory = new UnixSocketDirectory();
        foreach (EndPoint endPoint in new EndPoint[]
                 { new IPEndPoint(IPAddress.IPv6Loopback, 0), new UnixDomainSocketEndPoint(directory.NewPath()) })
        {
            await using var server = Start(NetKitServices.Lines, endPoint: endPoint);
            await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
            await client.SendAsync("over tls\n");
            await client.ExpectAsync("OVER TLS\n");
        }
    }

    [Fact]
    public async Task ACertificateFromAnotherCa_IsRefusedByTheClient_AndTheServerGoesOn()
    {
        await using var server = Start(NetKitServices.Echo);
        var address = HostPort.FromEndPoint(server.LocalEndPoint);

        var error = await Assert.ThrowsAsync<NetKitException>(() => EchoClient.ConnectAsync(address,
            ClientOptions.Default with { Tls = Certificates.WrongClientOptions() }));

        Assert.Equal(NetErrorKind.TlsFailed, error.Kind);
        Assert.Equal(ExitCodes.TlsFailed, error.ExitCode);
        Assert.Equal($"cannot connect to {address} over TLS: the server's certificate is not trusted: no CA trusted here " +
                     "signed it (give the one that did with --cacert)", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        await using var good = await EchoClient.ConnectAsync(address, ClientOptions.Default with { Tls = Certificates.ClientOptions() });
        Assert.Equal("trusted", await good.SendAsync("trusted"));
    }

    [Fact]
    public async Task ACertificateForAnotherName_IsRefusedByTheClient()
    {
        await using var server = Start(NetKitServices.Echo);
        var address = HostPort.FromEndPoint(server.LocalEndPoint);

        var error = await Assert.ThrowsAsync<NetKitException>(() => EchoClient.ConnectAsync(address,
            ClientOptions.Default with { Tls = Certificates.ClientOptions(serverName: "db.example.com") }));

        Assert.Equal(NetErrorKind.TlsFailed, error.Kind);
        Assert.EndsWith("over TLS: the server's certificate is not for db.example.com", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATlsClientOnAPlainPort_FailsInOneLine()
    {
        await using var server = TestServers.Start(NetKitServices.Echo, new ServiceSettings());
        var address = HostPort.FromEndPoint(server.LocalEndPoint);

        // The plain echo server sends the ClientHello back: not a ServerHello.
        var error = await Assert.ThrowsAsync<NetKitException>(() => EchoClient.ConnectAsync(address,
            ClientOptions.Default with { Tls = Certificates.ClientOptions() }));

        Assert.Equal(NetErrorKind.TlsFailed, error.Kind);
        Assert.StartsWith($"cannot connect to {address} over TLS: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task SkipValidation_AcceptsAnUntrustedCertificate()
    {
        await using var server = Start(NetKitServices.Echo);
        await using var client = await EchoClient.ConnectAsync(HostPort.FromEndPoint(server.LocalEndPoint),
            ClientOptions.Default with { Tls = new NetKit.Transport.Tls.TlsClientOptions { SkipValidation = true } });

        Assert.Equal("insecure", await client.SendAsync("insecure"));
    }

    [Fact]
    public async Task APlainClient_FailsTheHandshake_LoggedAsOneLine_AndOthersAreServed()
    {
        var log = new RecordingLogger();
        await using var server = new TcpServer("echo", static () => new EchoProtocol(),
            new TcpServerOptions { Tls = Certificates.ServerOptions() }, log);
        server.Start();

        using (var plain = await LoopbackClient.ConnectAsync(server.LocalEndPoint))
        {
            await plain.SendAsync("GET / HTTP/1.0\r\n\r\n");
            // Never echoed: the server ends the connection (a TLS alert at most, never the bytes).
            byte[] reply = await plain.ReadToEndAsync(allowReset: true);
            Assert.DoesNotContain("GET", Encoding.ASCII.GetString(reply), StringComparison.Ordinal);
        }

        await TestServers.UntilAsync(() => server.ActiveConnections == 0, "the failed handshake's cleanup");
        var failure = Assert.Single(log.Entries, e => e.Message.Contains("TLS handshake failed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, failure.Level);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Warning);
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("after");
        await client.ExpectAsync("after");
    }

    [Fact]
    public async Task APeerThatNeverStartsTheHandshake_IsClosedAtTheHandshakeTimeout()
    {
        await using var server = TestServers.Start(NetKitServices.Echo,
            new ServiceSettings { Tls = Certificates.ServerOptions(TimeSpan.FromMilliseconds(300)) });
        using var silent = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        var started = System.Diagnostics.Stopwatch.StartNew();

        await silent.ExpectClosedAsync(allowReset: true);

        // Not at once (the timeout, not the accept, closed it), and not much later.
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task MaxConnections_CountsTlsConnections()
    {
        await using var server = Start(NetKitServices.Echo, new ServiceSettings { MaxConnections = 1 });
        var tcp = Assert.IsType<TcpServer>(server);
        await using var first = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
        await first.SendAsync("one");
        await first.ExpectAsync("one");

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var second = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
            await second.SendAsync("two");
            await second.ReadExactlyAsync(3);
        });

        Assert.Equal(1, tcp.ActiveConnections);
        await first.SendAsync("still");
        await first.ExpectAsync("still");
    }

    [Fact]
    public async Task APeerThatDoesNotRead_IsCutAtTheOutputLimit_OthersAreServed()
    {
        // Back-pressure holds one run's replies at most (the server stops reading); those may stay unsent 1 s.
        await using var server = Start(NetKitServices.Echo,
            new ServiceSettings { OutputLimit = new OutputBufferLimit(0, 1024, TimeSpan.FromSeconds(1)) });
        var tcp = Assert.IsType<TcpServer>(server);
        await using var good = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
        await using (var bad = await TlsTestClient.ConnectAsync(server.LocalEndPoint))
        {
            // Never reads: the echoes fill both socket buffers, then the server's write waits past the soft time.
            var sending = Task.Run(async () =>
            {
                byte[] chunk = RandomBytes(1024 * 1024, seed: 4);
                for (int i = 0; i < 64; i++)
                {
                    await bad.SendAsync(chunk);
                }
            });
            var outcome = await Assert.ThrowsAnyAsync<Exception>(() => sending.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.True(outcome is IOException or SocketException or ObjectDisposedException, outcome.ToString());
        }

        await good.SendAsync("served");
        await good.ExpectAsync("served");
        await TestServers.UntilAsync(() => tcp.ActiveConnections == 1, "the cut connection's cleanup");
    }

    [Fact]
    public async Task Stop_ClosesAnIdleTlsConnectionAtOnce_AndAWorkingOneAtItsBoundary()
    {
        var server = Start(NetKitServices.Lines, new ServiceSettings { ShutdownGracePeriod = TimeSpan.FromSeconds(30) });
        await using var idle = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
        await using var busy = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
        await idle.SendAsync("a\n");
        await idle.ExpectAsync("A\n");
        // One write: the reply to the first line proves the server also holds the partial one behind it.
        await busy.SendAsync("first\nhalf a li");
        await busy.ExpectAsync("FIRST\n");

        var stopping = server.StopAsync();
        Assert.Empty(await idle.ReadToEndAsync());
        Assert.False(stopping.IsCompleted, "the stop waited for the request in progress");
        await busy.SendAsync("ne\n");

        Assert.Equal("HALF A LINE\n", Encoding.UTF8.GetString(await busy.ReadToEndAsync()));
        await stopping.WithinAsync("the stop once the request finished");
        await server.DisposeAsync();
    }

    [Fact]
    public async Task IdleTimeout_ClosesAnIdleTlsConnection()
    {
        await using var server = Start(NetKitServices.Echo, new ServiceSettings { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        await using var client = await TlsTestClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync("x");
        await client.ExpectAsync("x");

        var ended = await Record.ExceptionAsync(async () => Assert.Empty(await client.ReadToEndAsync()));

        Assert.True(ended is null or IOException, ended?.ToString());
    }

    [Fact]
    public void ALoadedPemPair_ServesAndAMissingFileIsOneLine()
    {
        var options = NetKit.Transport.Tls.TlsServerOptions.FromPemFiles(Certificates.ServerCertificateFile, Certificates.ServerKeyFile);
        Assert.Equal(Certificates.Server.Thumbprint, options.Certificate.Thumbprint);

        string missing = Path.Combine(Certificates.Directory, "missing.pem");
        var error = Assert.Throws<NetKitException>(() => NetKit.Transport.Tls.TlsServerOptions.FromPemFiles(missing, Certificates.ServerKeyFile));
        Assert.Equal($"cannot load the TLS certificate {missing} with the key {Certificates.ServerKeyFile}: no such file", error.Message);

        var mismatch = Assert.Throws<NetKitException>(() => NetKit.Transport.Tls.TlsServerOptions.FromPemFiles(Certificates.CaFile, Certificates.ServerKeyFile));
        Assert.StartsWith($"cannot load the TLS certificate {Certificates.CaFile}", mismatch.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', mismatch.Message);
    }
}
