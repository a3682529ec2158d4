using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using NetKit.Connections;
using NetKit.KeyValue;
using NetKit.Tests.Protocols;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// CLIENT PAUSE and UNPAUSE as redis-server 7.0.15 has them (each behaviour below was checked against it): what
/// WRITE and ALL hold, that a held command waits unread and then runs with what followed it, and how a pause
/// ends — UNPAUSE, or its time, on a fake clock.
/// </summary>
public class ClientPauseTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));
    private readonly KeyValueDatabase _database;
    private int _nextPort = 50000;

    public ClientPauseTests() => _database = new KeyValueDatabase(new KeyValueOptions(), new KeyValueStore(_time));

    private DrivenConnection Client() =>
        new(new KeyValueProtocol(_database, new ConnectionInfo(_nextPort, new IPEndPoint(IPAddress.Loopback, _nextPort++), null, DateTimeOffset.UnixEpoch)));

    private static void Send(DrivenConnection client, params string[] args) => client.Receive(RespCommandRunner.Encode(args));

    private static string Text(DrivenConnection client) => Encoding.UTF8.GetString(client.Output);

    [Theory]
    [InlineData(new[] { "CLIENT", "PAUSE" }, "-ERR wrong number of arguments for 'client|pause' command\r\n")]
    [InlineData(new[] { "CLIENT", "PAUSE", "x" }, "-ERR timeout is not an integer or out of range\r\n")]
    [InlineData(new[] { "CLIENT", "PAUSE", "-1" }, "-ERR timeout is negative\r\n")]
    [InlineData(new[] { "CLIENT", "PAUSE", "100", "foo" }, "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n")]
    [InlineData(new[] { "CLIENT", "PAUSE", "x", "foo" }, "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n")]
    [InlineData(new[] { "CLIENT", "PAUSE", "100", "write", "x" }, "-ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\r\n")]
    [InlineData(new[] { "CLIENT", "UNPAUSE", "x" }, "-ERR wrong number of arguments for 'client|unpause' command\r\n")]
    [InlineData(new[] { "CLIENT", "PAUSE", "0" }, "+OK\r\n")]
    public void Arguments_AreCheckedAsRedisChecksThem(string[] command, string reply)
    {
        var client = Client();
        Send(client, command);
        Assert.Equal(reply, Text(client));
        Assert.False(client.Held);
    }

    [Fact]
    public void WritePause_HoldsWritesAndPublish_NotReads_UntilUnpause()
    {
        var admin = Client();
        var writer = Client();
        var publisher = Client();
        var reader = Client();
        Send(admin, "CLIENT", "PAUSE", "100000", "WRITE");

        writer.Receive([.. RespCommandRunner.Encode("SET", "k", "v"), .. RespCommandRunner.Encode("GET", "k")]);
        Send(publisher, "PUBLISH", "ch", "m");
        Send(reader, "GET", "k");

        Assert.True(writer.Held);
        Assert.True(publisher.Held);
        Assert.Equal(string.Empty, Text(writer));
        Assert.Equal("$-1\r\n", Text(reader));
        Send(admin, "CLIENT", "LIST");
        Assert.Equal(2, Text(admin).Split('\n').Count(line => line.Contains(" flags=b ", StringComparison.Ordinal)));
        Send(admin, "INFO", "clients");
        Assert.Contains("\r\nblocked_clients:2\r\n", Text(admin), StringComparison.Ordinal);

        // Nothing more is read while held: the next request waits behind the held one.
        Send(writer, "GET", "k");
        Assert.Equal(string.Empty, Text(writer));

        Send(admin, "CLIENT", "UNPAUSE");
        Assert.True(writer.RunWoken());
        Assert.True(publisher.RunWoken());

        Assert.False(writer.Held);
        Assert.Equal("+OK\r\n$1\r\nv\r\n$1\r\nv\r\n", Text(writer));
        Assert.Equal(":0\r\n", Text(publisher));
        Send(admin, "INFO", "clients");
        Assert.Contains("\r\nblocked_clients:0\r\n", Text(admin), StringComparison.Ordinal);
    }

    [Fact]
    public void WritePause_HoldsAWriteBeingQueued_AndAnExecOfQueuedWrites()
    {
        var admin = Client();
        var queueing = Client();
        var executing = Client();
        Send(executing, "MULTI");
        Send(executing, "SET", "a", "1");
        Send(admin, "CLIENT", "PAUSE", "100000", "WRITE");

        Send(queueing, "MULTI");
        Send(queueing, "SET", "b", "2");
        Send(executing, "EXEC");

        Assert.True(queueing.Held);
        Assert.Equal("+OK\r\n", Text(queueing));
        Assert.True(executing.Held);
        Assert.Equal("+OK\r\n+QUEUED\r\n", Text(executing));

        Send(admin, "CLIENT", "UNPAUSE");
        queueing.RunWoken();
        executing.RunWoken();
        Assert.Equal("+OK\r\n+QUEUED\r\n", Text(queueing));
        Assert.Equal("+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n", Text(executing));
    }

    [Fact]
    public void AllPause_HoldsEveryCommand_UnpauseToo_UntilItsTime()
    {
        var admin = Client();
        var other = Client();
        Send(admin, "CLIENT", "PAUSE", "500", "ALL");

        Send(other, "PING");
        Send(admin, "CLIENT", "UNPAUSE");
        Assert.True(other.Held);
        Assert.True(admin.Held);

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(other.RunWoken(), "woken before the pause's end");
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(other.RunWoken());
        Assert.True(admin.RunWoken());
        Assert.Equal("+PONG\r\n", Text(other));
        Assert.Equal("+OK\r\n+OK\r\n", Text(admin));
    }

    [Fact]
    public void LaterPause_KeepsTheWiderModeAndTheLaterEnd()
    {
        var admin = Client();
        var reader = Client();
        Send(admin, "CLIENT", "PAUSE", "500", "WRITE");
        Send(admin, "CLIENT", "PAUSE", "100", "ALL");

        Send(reader, "GET", "k");
        Assert.True(reader.Held);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(reader.RunWoken());
        _time.Advance(TimeSpan.FromMilliseconds(400));

        Assert.True(reader.RunWoken());
        Assert.Equal("$-1\r\n", Text(reader));
    }

    [Fact]
    public void Monitor_IsNeverHeld()
    {
        var admin = Client();
        var monitor = Client();
        Send(monitor, "MONITOR");
        Send(admin, "CLIENT", "PAUSE", "100000", "ALL");

        Send(monitor, "PING");

        Assert.False(monitor.Held);
        Assert.StartsWith("+OK\r\n+PONG\r\n", Text(monitor), StringComparison.Ordinal);
    }

    [Fact]
    public void HeldCommand_IsFedToMonitorsOnlyOnceItRuns()
    {
        var admin = Client();
        var monitor = Client();
        var writer = Client();
        Send(monitor, "MONITOR");
        Send(admin, "CLIENT", "PAUSE", "100000", "WRITE");
        Send(writer, "SET", "k", "v");
        monitor.RunWoken();
        Assert.DoesNotContain("\"SET\"", Text(monitor), StringComparison.Ordinal);

        Send(admin, "CLIENT", "UNPAUSE");
        writer.RunWoken();
        monitor.RunWoken();

        Assert.Contains("\"SET\" \"k\" \"v\"", Text(monitor), StringComparison.Ordinal);
    }
}
