using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using NetKit.Connections;
using NetKit.KeyValue;
using NetKit.Tests.Protocols;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// BZPOPMIN, BZPOPMAX and BZMPOP as redis-server 7.0.15 answers them (each reply read from one): popped at once
/// when a set has members, else the client waits, served by another connection's ZADD in the order clients
/// blocked; timeouts, RESP3's doubles, and members served to a client that went put back with their scores.
/// </summary>
public class BlockingSortedSetTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));
    private readonly KeyValueDatabase _database;
    private int _nextPort = 51000;

    public BlockingSortedSetTests() => _database = new KeyValueDatabase(new KeyValueOptions(), new KeyValueStore(_time));

    private DrivenConnection Client() =>
        new(new KeyValueProtocol(_database, new ConnectionInfo(_nextPort, new IPEndPoint(IPAddress.Loopback, _nextPort++), null, DateTimeOffset.UnixEpoch)));

    private static string Call(DrivenConnection client, params string[] args)
    {
        int before = client.Output.Length;
        client.Receive(Encode(args));
        return Encoding.UTF8.GetString(client.Output[before..]);
    }

    private static string Woken(DrivenConnection client)
    {
        int before = client.Output.Length;
        Assert.True(client.RunWoken(), "the blocked client was not woken");
        return Encoding.UTF8.GetString(client.Output[before..]);
    }

    [Fact]
    public void AMemberPresent_IsPoppedAtOnce()
    {
        var client = Client();
        Call(client, "ZADD", "z", "1", "a", "2", "b", "3", "c");
        Assert.Equal(Array("z", "a", "1"), Call(client, "BZPOPMIN", "z", "1"));
        Assert.Equal(Array("z", "c", "3"), Call(client, "BZPOPMAX", "none", "z", "1"));
        Assert.Equal("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", Call(client, "BZMPOP", "1", "2", "none", "z", "MIN", "COUNT", "5"));
        Assert.Equal(":0\r\n", Call(client, "EXISTS", "z"));
        Assert.Equal("-ERR numkeys should be greater than 0\r\n", Call(client, "BZMPOP", "1", "0", "z", "MIN"));
        Call(client, "SET", "s", "x");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", Call(client, "BZPOPMIN", "s", "1"));
    }

    [Fact]
    public void AZAddFromAnotherConnection_ServesTheWaiters_InTheOrderTheyBlocked()
    {
        var first = Client();
        var second = Client();
        var writer = Client();
        Assert.Equal(string.Empty, Call(first, "BZPOPMAX", "z", "0"));
        Assert.Equal(string.Empty, Call(second, "BZMPOP", "0", "1", "z", "MIN", "COUNT", "2"));
        Assert.Equal(2, _database.Databases.Blocking.Count);

        Assert.Equal(":3\r\n", Call(writer, "ZADD", "z", "1", "a", "2", "b", "3", "c"));
        Assert.Equal(Array("z", "c", "3"), Woken(first));
        Assert.Equal("*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", Woken(second));
        Assert.Equal(0, _database.Databases.Blocking.Count);
        Assert.Equal(":0\r\n", Call(writer, "EXISTS", "z"));
    }

    [Fact]
    public void ATimeout_AnswersNil_InEitherProtocol()
    {
        var client = Client();
        Assert.Equal(string.Empty, Call(client, "BZPOPMIN", "z", "0.5"));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal("*-1\r\n", Woken(client));
        Call(client, "HELLO", "3");
        Assert.Equal(string.Empty, Call(client, "BZMPOP", "0.5", "1", "z", "MAX"));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal("_\r\n", Woken(client));
        Call(client, "ZADD", "z", "1.5", "m");
        Assert.Equal("*3\r\n$1\r\nz\r\n$1\r\nm\r\n,1.5\r\n", Call(client, "BZPOPMIN", "z", "1"));
    }

    [Fact]
    public void InsideMulti_ItAnswersNilAtOnce()
    {
        var client = Client();
        Call(client, "MULTI");
        Call(client, "BZPOPMIN", "z", "0");
        Assert.Equal("*1\r\n*-1\r\n", Call(client, "EXEC"));
    }

    [Fact]
    public void MembersServedToAClientThatGoesBeforeItsReply_GoBackWithTheirScores()
    {
        var waiter = Client();
        var writer = Client();
        Call(waiter, "BZMPOP", "0", "1", "z", "MIN", "COUNT", "2");
        Call(writer, "ZADD", "z", "1", "a", "2", "b", "3", "c");
        Assert.Equal(":1\r\n", Call(writer, "ZCARD", "z"));
        ((KeyValueProtocol)waiter.Pump.Protocol).Dispose();
        Assert.Equal(Array("a", "1", "b", "2", "c", "3"), Call(writer, "ZRANGE", "z", "0", "-1", "WITHSCORES"));
    }
}
