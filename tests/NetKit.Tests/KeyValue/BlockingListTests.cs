using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using NetKit.Connections;
using NetKit.KeyValue;
using NetKit.Tests.Protocols;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP as redis-server 7.0.15 runs them (each reply was read from one),
/// driven connection by connection on a fake clock: a blocked client is served by another's push in the order
/// clients blocked, after the pushing command or EXEC; inside MULTI nothing waits; timeouts, CLIENT UNBLOCK,
/// and a client that goes while blocked (forgotten, and what was served to it and never written put back).
/// </summary>
public class BlockingListTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));
    private readonly KeyValueDatabase _database;
    private int _nextPort = 50000;

    public BlockingListTests() => _database = new KeyValueDatabase(new KeyValueOptions(), new KeyValueStore(_time));

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

    private int Blocked() => _database.Databases.Blocking.Count;

    [Fact]
    public void APush_FromAnotherConnection_ServesTheBlockedClient_WhoseLaterRequestsWaitForIt()
    {
        var waiter = Client();
        var pusher = Client();
        Assert.Equal(string.Empty, Call(waiter, "BLPOP", "a", "b", "0"));
        Assert.Equal(1, Blocked());
        Assert.Contains(" flags=b ", Call(pusher, "CLIENT", "LIST"), StringComparison.Ordinal);
        Assert.Contains("\r\nblocked_clients:1\r\n", Call(pusher, "INFO", "clients"), StringComparison.Ordinal);
        // Sent while blocked: it runs after the BLPOP's reply.
        Assert.Equal(string.Empty, Call(waiter, "PING"));

        Assert.Equal(":2\r\n", Call(pusher, "RPUSH", "b", "x", "y"));
        Assert.Equal(Array("b", "x") + "+PONG\r\n", Woken(waiter));
        Assert.Equal(0, Blocked());
        Assert.Equal(Array("y"), Call(pusher, "LRANGE", "b", "0", "-1"));
    }

    [Fact]
    public void Waiters_AreServedInTheOrderTheyBlocked_OneElementEach()
    {
        var first = Client();
        var second = Client();
        var third = Client();
        var pusher = Client();
        Call(first, "BRPOP", "k", "0");
        Call(second, "BLMPOP", "0", "1", "k", "LEFT", "COUNT", "5");
        Call(third, "BLMOVE", "k", "dst", "LEFT", "RIGHT", "0");

        // A variadic push is served once it is all done: the first waiter gets the last element pushed.
        Assert.Equal(":2\r\n", Call(pusher, "LPUSH", "k", "a", "b"));
        Assert.Equal(Array("k", "a"), Woken(first));
        Assert.Equal("*2\r\n$1\r\nk\r\n*1\r\n$1\r\nb\r\n", Woken(second));
        Assert.False(third.RunWoken());
        Assert.Equal(1, Blocked());

        Call(pusher, "RPUSH", "k", "c");
        Assert.Equal(Bulk("c"), Woken(third));
        Assert.Equal(Array("c"), Call(pusher, "LRANGE", "dst", "0", "-1"));
        Assert.Equal(":0\r\n", Call(pusher, "EXISTS", "k"));
    }

    [Fact]
    public void PushesInsideExec_WakeNobody_UntilExecIsDone()
    {
        var waiter = Client();
        var writer = Client();
        Call(waiter, "BLPOP", "k", "0");
        Call(writer, "MULTI");
        Call(writer, "LPUSH", "k", "a");
        Call(writer, "LPUSH", "k", "b");
        Call(writer, "LPOP", "k");
        Assert.Equal("*3\r\n:1\r\n:2\r\n$1\r\nb\r\n", Call(writer, "EXEC"));
        Assert.Equal(Array("k", "a"), Woken(waiter));
    }

    [Fact]
    public void InsideMulti_ABlockingCommand_AnswersNilAtOnce()
    {
        var client = Client();
        Call(client, "MULTI");
        Call(client, "BLPOP", "k", "0");
        Call(client, "BRPOPLPUSH", "k", "d", "0");
        Call(client, "BLMPOP", "0", "1", "k", "LEFT");
        Assert.Equal("*3\r\n*-1\r\n$-1\r\n*-1\r\n", Call(client, "EXEC"));
        Assert.Equal(0, Blocked());
    }

    [Fact]
    public void Timeouts_AreSecondsAsDecimals_AndEndTheWaitWithNil()
    {
        var client = Client();
        Assert.Equal("-ERR timeout is negative\r\n", Call(client, "BLPOP", "k", "-1"));
        Assert.Equal("-ERR timeout is not a float or out of range\r\n", Call(client, "BLPOP", "k", "abc"));
        Assert.Equal("-ERR timeout is negative\r\n", Call(client, "BLPOP", "k", "0x7FFFFFFFFFFFFF"));
        Assert.Equal("-ERR syntax error\r\n", Call(client, "BLMOVE", "k", "d", "LEFT", "UP", "1"));

        Assert.Equal(string.Empty, Call(client, "BRPOPLPUSH", "k", "d", "0.25"));
        _time.Advance(TimeSpan.FromMilliseconds(240));
        Assert.False(client.RunWoken());
        _time.Advance(TimeSpan.FromMilliseconds(10));
        // Redis 7.0 answers every timed-out list command with the null array, BRPOPLPUSH too.
        Assert.Equal("*-1\r\n", Woken(client));
        Assert.Equal(0, Blocked());
    }

    [Fact]
    public void ClientUnblock_EndsTheWait_AsATimeoutOrAnError()
    {
        var waiter = Client();
        var admin = Client();
        Call(waiter, "BLPOP", "k", "0");
        long id = waiter.Pump.Protocol is KeyValueProtocol protocol ? protocol.Session.Id : -1;
        Assert.Equal(":1\r\n", Call(admin, "CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("*-1\r\n", Woken(waiter));
        Assert.Equal(":0\r\n", Call(admin, "CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Call(waiter, "BLPOP", "k", "0");
        Assert.Equal(":1\r\n", Call(admin, "CLIENT", "UNBLOCK", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "ERROR"));
        Assert.Equal("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", Woken(waiter));
        Assert.Equal("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n", Call(admin, "CLIENT", "UNBLOCK", "1", "foo"));
    }

    [Fact]
    public void AClientThatGoes_WhileBlocked_IsForgotten_AndAPushStaysInTheList()
    {
        var waiter = Client();
        var pusher = Client();
        Call(waiter, "BLPOP", "k", "0");
        waiter.EndOfStream();
        Assert.Equal(0, Blocked());
        Call(pusher, "RPUSH", "k", "a");
        Assert.Equal(Array("a"), Call(pusher, "LRANGE", "k", "0", "-1"));
    }

    [Fact]
    public void ElementsServedToAClientThatGoesBeforeItsReply_GoBackWhereTheyWere()
    {
        var waiter = Client();
        var pusher = Client();
        Call(waiter, "BLMPOP", "0", "1", "k", "RIGHT", "COUNT", "2");
        Call(pusher, "RPUSH", "k", "a", "b", "c");
        Assert.Equal(Array("a"), Call(pusher, "LRANGE", "k", "0", "-1"));
        // Gone before its connection ran: nothing was written to it.
        ((KeyValueProtocol)waiter.Pump.Protocol).Dispose();
        Assert.Equal(Array("a", "b", "c"), Call(pusher, "LRANGE", "k", "0", "-1"));
    }

    [Fact]
    public void BLMove_ToAKeyOfAnotherType_IsAnsweredWrongType_AndTheElementStays()
    {
        var waiter = Client();
        var pusher = Client();
        Call(pusher, "SET", "target", "nolist");
        Call(waiter, "BRPOPLPUSH", "src", "target", "0");
        Call(pusher, "RPUSH", "src", "foo");
        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", Woken(waiter));
        Assert.Equal(Array("foo"), Call(pusher, "LRANGE", "src", "0", "-1"));
    }

    [Fact]
    public void ARenameOrSortStoreOntoAWaitedKey_ServesItsWaiter()
    {
        var waiter = Client();
        var other = Client();
        Call(waiter, "BLPOP", "k", "0");
        Call(other, "RPUSH", "tmp", "x", "y");
        Call(other, "RENAME", "tmp", "k");
        Assert.Equal(Array("k", "x"), Woken(waiter));

        Call(waiter, "BRPOP", "sorted", "0");
        Call(other, "RPUSH", "src", "2", "1");
        Assert.Equal(":2\r\n", Call(other, "SORT", "src", "STORE", "sorted"));
        Assert.Equal(Array("sorted", "2"), Woken(waiter));
    }
}
