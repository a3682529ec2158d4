using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using NetKit.Connections;
using NetKit.KeyValue;
using NetKit.Tests.Protocols;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// MONITOR's feed, byte for byte as redis-server 7.0.15 writes it (its documentation's own example line comes
/// out exactly), through connections the test runs by hand: what is shown, how it is quoted and redacted, and
/// what a monitoring client may still do.
/// </summary>
public class MonitorTests
{
    // 1339518083.107412 s after the epoch: the example of Redis's MONITOR documentation.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddTicks(13_395_180_831_074_120));
    private readonly KeyValueDatabase _database;

    public MonitorTests() => _database = new KeyValueDatabase(new KeyValueOptions(), new KeyValueStore(_time));

    private DrivenConnection Client(EndPoint remote, EndPoint? local = null) =>
        new(new KeyValueProtocol(_database, new ConnectionInfo(1, remote, local ?? new IPEndPoint(IPAddress.Loopback, 7881), DateTimeOffset.UnixEpoch)));

    private DrivenConnection Client(int port) => Client(new IPEndPoint(IPAddress.Loopback, port));

    private static void Send(DrivenConnection client, params string[] args) => client.Receive(RespCommandRunner.Encode(args));

    private static void Send(DrivenConnection client, byte[][] args) => client.Receive(RespCommandRunner.Encode(args));

    private static string Text(DrivenConnection client) => Encoding.UTF8.GetString(client.Output);

    private DrivenConnection Monitor()
    {
        var monitor = Client(40000);
        Send(monitor, "MONITOR");
        Assert.Equal("+OK\r\n", Text(monitor));
        return monitor;
    }

    /// <summary>What the monitor was sent after its +OK, once its connection ran for the wake.</summary>
    private static string Feed(DrivenConnection monitor)
    {
        monitor.RunWoken();
        return Text(monitor)["+OK\r\n".Length..];
    }

    [Fact]
    public void Line_IsRedisFormat_TimeDatabaseAddressAndQuotedArguments()
    {
        var monitor = Monitor();
        var client = Client(60866);

        Send(client, "keys", "*");

        Assert.Equal("+1339518083.107412 [0 127.0.0.1:60866] \"keys\" \"*\"\r\n", Feed(monitor));
    }

    [Fact]
    public void Arguments_AreQuotedAsSdscatrepr()
    {
        var monitor = Monitor();
        var client = Client(60866);

        Send(client, ["set"u8.ToArray(), "k"u8.ToArray(), [.. "a b\"\\\n\r\t"u8, 7, 8, 1, 0x7f, 0xff, (byte)'z']]);

        // "a b\"\\\n\r\t\a\b\x01\x7f\xffz", as redis-server prints it.
        const string Quoted = "\"a b\\\"\\\\\\n\\r\\t\\a\\b\\x01\\x7f\\xffz\"";
        Assert.Equal("+1339518083.107412 [0 127.0.0.1:60866] \"set\" \"k\" " + Quoted + "\r\n", Feed(monitor));
    }

    [Fact]
    public void Secrets_OfAuthAndHello_AreRedacted()
    {
        var monitor = Monitor();
        var client = Client(60866);

        Send(client, "AUTH", "hunter2");
        Send(client, "AUTH", "default", "hunter2");
        Send(client, "HELLO", "2", "AUTH", "default", "hunter2", "SETNAME", "app");

        Assert.Equal(
            "+1339518083.107412 [0 127.0.0.1:60866] \"AUTH\" \"(redacted)\"\r\n" +
            "+1339518083.107412 [0 127.0.0.1:60866] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n" +
            "+1339518083.107412 [0 127.0.0.1:60866] \"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\" \"app\"\r\n",
            Feed(monitor));
        Assert.DoesNotContain("hunter2", Text(monitor), StringComparison.Ordinal);
    }

    [Fact]
    public void Shown_AreCommandsThatRan_NotAdminOnesNorRefusedOnes()
    {
        var monitor = Monitor();
        var client = Client(60866);

        Send(client, "CONFIG", "GET", "maxmemory");
        Send(client, "CLIENT", "LIST");
        Send(client, "CLIENT", "KILL", "ID", "999");
        Send(client, "SLOWLOG", "LEN");
        Send(client, "NOSUCHCOMMAND");
        Send(client, "GET");
        Send(client, "CLIENT", "ID");
        Send(client, "INCR", "not-a-number-yet");
        Send(client, "SET", "k", "v", "EX", "-1");

        // A command that ran and failed is shown; one refused before it ran is not.
        Assert.Equal(
            "+1339518083.107412 [0 127.0.0.1:60866] \"CLIENT\" \"ID\"\r\n" +
            "+1339518083.107412 [0 127.0.0.1:60866] \"INCR\" \"not-a-number-yet\"\r\n" +
            "+1339518083.107412 [0 127.0.0.1:60866] \"SET\" \"k\" \"v\" \"EX\" \"-1\"\r\n",
            Feed(monitor));
    }

    [Fact]
    public void Database_IsTheOneAfterTheCommand_AndExecFollowsItsQueue()
    {
        var monitor = Monitor();
        var client = Client(60866);

        Send(client, "SELECT", "2");
        Send(client, "MULTI");
        Send(client, "SET", "x", "1");
        _time.Advance(TimeSpan.FromTicks(10));
        Send(client, "EXEC");

        Assert.Equal(
            "+1339518083.107412 [2 127.0.0.1:60866] \"SELECT\" \"2\"\r\n" +
            "+1339518083.107412 [2 127.0.0.1:60866] \"MULTI\"\r\n" +
            "+1339518083.107413 [2 127.0.0.1:60866] \"SET\" \"x\" \"1\"\r\n" +
            "+1339518083.107413 [2 127.0.0.1:60866] \"EXEC\"\r\n",
            Feed(monitor));
    }

    [Fact]
    public void Addresses_OfIpv6AndUnixSocketClients()
    {
        var monitor = Monitor();
        var v6 = Client(new IPEndPoint(IPAddress.IPv6Loopback, 51000));
        var unix = Client(new UnixDomainSocketEndPoint("/run/netkit/kv.sock"), new UnixDomainSocketEndPoint("/run/netkit/kv.sock"));

        Send(v6, "PING");
        Send(unix, "PING");

        Assert.Equal(
            "+1339518083.107412 [0 [::1]:51000] \"PING\"\r\n" +
            "+1339518083.107412 [0 unix:/run/netkit/kv.sock] \"PING\"\r\n",
            Feed(monitor));
    }

    [Fact]
    public void MonitoringClient_SeesItsOwnCommandsAfterTheirReplies_AndMayNotTouchKeys()
    {
        var monitor = Monitor();

        Send(monitor, "PING");
        Send(monitor, "GET", "k");
        Send(monitor, "PUBLISH", "ch", "m");
        Send(monitor, "MONITOR"); // ignored, without a reply, as Redis does

        Assert.Equal(
            "+OK\r\n+PONG\r\n+1339518083.107412 [0 127.0.0.1:40000] \"PING\"\r\n" +
            "-ERR Replica can't interact with the keyspace\r\n" +
            "-ERR Replica can't interact with the keyspace\r\n",
            Text(monitor));
    }

    [Fact]
    public void Monitor_InsideMulti_IsRefusedAtExec()
    {
        var client = Client(60866);
        Send(client, "MULTI");
        Send(client, "MONITOR");
        Send(client, "EXEC");

        Assert.Equal("+OK\r\n+QUEUED\r\n*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n", Text(client));
        Assert.Equal(0, _database.Monitors.Count);
    }

    [Fact]
    public void Reset_EndsMonitoring_AndAClosedMonitorIsForgotten()
    {
        var resetting = Monitor();
        var closing = Monitor();
        var client = Client(60866);

        Send(resetting, "RESET");
        closing.EndOfStream();
        Send(client, "PING");

        Assert.False(resetting.RunWoken());
        Assert.Equal("+OK\r\n+RESET\r\n", Text(resetting));
        Assert.Equal(0, _database.Monitors.Count);
    }

    [Fact]
    public void MonitorThatStopsReading_IsHeldToTheNormalLimit()
    {
        var limits = new ConnectionLimits { OutputLimit = new OutputBufferLimit(4096, 0, TimeSpan.Zero) };
        var monitor = new DrivenConnection(new KeyValueProtocol(_database, new ConnectionInfo(9, new IPEndPoint(IPAddress.Loopback, 40001), null, DateTimeOffset.UnixEpoch)),
            limits: limits);
        Send(monitor, "MONITOR");
        var client = Client(60866);

        // Never run for its wakes: the lines queue in its outbox until over the limit.
        for (int i = 0; i < 200 && monitor.CutReason is null; i++)
        {
            Send(client, "SET", "k", new string('v', 100));
        }

        Assert.Contains("client-output-buffer-limit 4096 0 0", monitor.CutReason);
        Send(client, "PING");
        Assert.EndsWith("+PONG\r\n", Text(client), StringComparison.Ordinal);
    }
}
