using System.Text;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// Pub/sub as redis-server 7.0.15 answers it, byte for byte (each reply below was read from it): the
/// confirmations and their counts, subscribed mode, PUBLISH's count, messages of every kind, PUBSUB, RESET.
/// Several runners over one database are several clients; what is pushed to one is written by its next call.
/// </summary>
public class PubSubCommandTests
{
    private const string Refused =
        "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";

    private static string Pushed(RespCommandRunner client) => Encoding.UTF8.GetString(client.Send([]));

    private static string Confirm(string kind, string? name, long count) =>
        $"*3\r\n{Bulk(kind)}{(name is null ? "$-1\r\n" : Bulk(name))}:{count}\r\n";

    [Fact]
    public void Confirmations_CountChannelsAndPatterns_AsRedisDoes()
    {
        using var client = new RespCommandRunner();

        Assert.Equal(Confirm("unsubscribe", null, 0), client.Run("UNSUBSCRIBE"));
        Assert.Equal(Confirm("punsubscribe", null, 0), client.Run("PUNSUBSCRIBE"));
        Assert.Equal(Confirm("sunsubscribe", null, 0), client.Run("SUNSUBSCRIBE"));
        Assert.Equal(Confirm("subscribe", "a", 1) + Confirm("subscribe", "b", 2) + Confirm("subscribe", "a", 2),
            client.Run("SUBSCRIBE", "a", "b", "a"));
        Assert.Equal(Confirm("psubscribe", "p*", 3), client.Run("PSUBSCRIBE", "p*"));
        // Shard channels count alone.
        Assert.Equal(Confirm("ssubscribe", "s1", 1), client.Run("SSUBSCRIBE", "s1"));
        Assert.Equal(Confirm("unsubscribe", "zz", 3), client.Run("UNSUBSCRIBE", "zz"));
        Assert.Equal(Confirm("unsubscribe", "a", 2) + Confirm("unsubscribe", "b", 1), client.Run("UNSUBSCRIBE"));
        Assert.Equal(Confirm("punsubscribe", "p*", 0), client.Run("PUNSUBSCRIBE"));
        Assert.Equal(Confirm("sunsubscribe", "s1", 0), client.Run("SUNSUBSCRIBE"));
        Assert.Equal("+PONG\r\n", client.Run("PING"));
    }

    [Fact]
    public void SubscribedClient_MayOnlySubscribePingQuitOrReset()
    {
        using var client = new RespCommandRunner();
        client.Run("SUBSCRIBE", "news");

        Assert.Equal("*2\r\n$4\r\npong\r\n$0\r\n\r\n", client.Run("PING"));
        Assert.Equal("*2\r\n$4\r\npong\r\n$5\r\nhello\r\n", client.Run("PING", "hello"));
        Assert.Equal("-ERR wrong number of arguments for 'ping' command\r\n", client.Run("PING", "a", "b"));
        Assert.Equal($"-ERR Can't execute 'get': {Refused}\r\n", client.Run("GET", "k"));
        Assert.Equal($"-ERR Can't execute 'client|list': {Refused}\r\n", client.Run("CLIENT", "LIST"));
        Assert.Equal($"-ERR Can't execute 'monitor': {Refused}\r\n", client.Run("MONITOR"));
        Assert.Equal("-ERR wrong number of arguments for 'subscribe' command\r\n", client.Run("SUBSCRIBE"));
        // Unknown commands and wrong arity are refused first, as in Redis.
        Assert.StartsWith("-ERR unknown command 'NOPE'", client.Run("NOPE"), StringComparison.Ordinal);
        Assert.Equal("+RESET\r\n", client.Run("RESET"));
        Assert.Equal("$-1\r\n", client.Run("GET", "k"));
    }

    [Fact]
    public void Publish_ReachesChannelAndPatternSubscribers_CountingEachSubscription()
    {
        using var publisher = new RespCommandRunner();
        using var subscriber = new RespCommandRunner(publisher.Database);
        using var other = new RespCommandRunner(publisher.Database);
        subscriber.Run("SUBSCRIBE", "ch");
        subscriber.Run("PSUBSCRIBE", "c*");
        other.Run("PSUBSCRIBE", "*");

        Assert.Equal(":3\r\n", publisher.Run("PUBLISH", "ch", "hello"));
        Assert.Equal(":1\r\n", publisher.Run("PUBLISH", "nobody-here", "x")); // only the "*" pattern

        Assert.Equal("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n"
                     + "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$5\r\nhello\r\n", Pushed(subscriber));
        Assert.Equal("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$2\r\nch\r\n$5\r\nhello\r\n"
                     + "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$11\r\nnobody-here\r\n$1\r\nx\r\n", Pushed(other));
        Assert.Equal(string.Empty, Pushed(subscriber));
    }

    [Fact]
    public void Messages_AreBinarySafe()
    {
        using var publisher = new RespCommandRunner();
        using var subscriber = new RespCommandRunner(publisher.Database);
        byte[] channel = [0, 13, 10, 255];
        byte[] payload = [.. "a\r\nb"u8, 0, 200];
        subscriber.RunBytes("SUBSCRIBE"u8.ToArray(), channel);

        Assert.Equal(":1\r\n"u8.ToArray(), publisher.RunBytes("PUBLISH"u8.ToArray(), channel, payload));

        byte[] expected = [.. "*3\r\n$7\r\nmessage\r\n$4\r\n"u8, .. channel, .. "\r\n$6\r\n"u8, .. payload, .. "\r\n"u8];
        Assert.Equal(expected, subscriber.Send([]));
    }

    [Fact]
    public void ShardChannels_AreTheirOwnNamespace()
    {
        using var publisher = new RespCommandRunner();
        using var plain = new RespCommandRunner(publisher.Database);
        using var shard = new RespCommandRunner(publisher.Database);
        plain.Run("SUBSCRIBE", "orders");
        shard.Run("SSUBSCRIBE", "orders");

        Assert.Equal(":1\r\n", publisher.Run("SPUBLISH", "orders", "o1"));
        Assert.Equal(":1\r\n", publisher.Run("PUBLISH", "orders", "o2"));

        Assert.Equal("*3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$2\r\no1\r\n", Pushed(shard));
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$6\r\norders\r\n$2\r\no2\r\n", Pushed(plain));
        Assert.Equal(Array("orders"), publisher.Run("PUBSUB", "SHARDCHANNELS"));
        Assert.Equal("*2\r\n$6\r\norders\r\n:1\r\n", publisher.Run("PUBSUB", "SHARDNUMSUB", "orders"));
    }

    [Fact]
    public void Unsubscribe_StopsDelivery_AndWhatWasPostedBeforeComesAheadOfTheConfirmation()
    {
        using var publisher = new RespCommandRunner();
        using var subscriber = new RespCommandRunner(publisher.Database);
        subscriber.Run("SUBSCRIBE", "a", "b");
        publisher.Run("PUBLISH", "a", "before");

        Assert.Equal("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$6\r\nbefore\r\n" + Confirm("unsubscribe", "a", 1),
            subscriber.Run("UNSUBSCRIBE", "a"));
        Assert.Equal(":0\r\n", publisher.Run("PUBLISH", "a", "after"));
        Assert.Equal(":1\r\n", publisher.Run("PUBLISH", "b", "still"));
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$1\r\nb\r\n$5\r\nstill\r\n", Pushed(subscriber));
    }

    [Fact]
    public void PubSubIntrospection()
    {
        using var admin = new RespCommandRunner();
        using var one = new RespCommandRunner(admin.Database);
        using var two = new RespCommandRunner(admin.Database);
        one.Run("SUBSCRIBE", "news", "sport");
        two.Run("SUBSCRIBE", "news");
        one.Run("PSUBSCRIBE", "n*");
        two.Run("PSUBSCRIBE", "n*", "s*");

        Assert.Equal(":2\r\n", admin.Run("PUBSUB", "NUMPAT")); // distinct patterns, as Redis 7 counts them
        Assert.Equal("*6\r\n$4\r\nnews\r\n:2\r\n$5\r\nsport\r\n:1\r\n$4\r\nnone\r\n:0\r\n", admin.Run("PUBSUB", "NUMSUB", "news", "sport", "none"));
        Assert.Equal("*0\r\n", admin.Run("PUBSUB", "NUMSUB"));
        Assert.Equal(Array("news"), admin.Run("PUBSUB", "CHANNELS", "n*"));
        Assert.Equal(2, admin.Run("PUBSUB", "CHANNELS").Split("\r\n").Count(l => l.StartsWith('$')));
        Assert.Equal("-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.\r\n",
            admin.Run("PUBSUB", "channels", "x", "y"));
        Assert.Equal("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n", admin.Run("PUBSUB", "NUMPAT", "x"));
        Assert.Equal("-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n", admin.Run("PUBSUB", "foo"));
        Assert.Equal("-ERR wrong number of arguments for 'pubsub' command\r\n", admin.Run("PUBSUB"));
        Assert.StartsWith("*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CHANNELS [<pattern>]\r\n",
            admin.Run("PUBSUB", "HELP"), StringComparison.Ordinal);

        string stats = admin.Run("INFO", "stats");
        Assert.Contains("\r\npubsub_channels:2\r\npubsub_patterns:2\r\npubsubshard_channels:0\r\n", stats, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientList_ShowsSubscriptionsAndFlags()
    {
        using var admin = new RespCommandRunner();
        using var subscriber = new RespCommandRunner(admin.Database);
        subscriber.Run("SUBSCRIBE", "a", "b");
        subscriber.Run("PSUBSCRIBE", "p*");
        subscriber.Run("SSUBSCRIBE", "s");

        string list = admin.Run("CLIENT", "LIST");
        Assert.Contains(" flags=P db=0 sub=2 psub=1 ssub=1 multi=-1 ", list, StringComparison.Ordinal);
        Assert.Contains(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 ", list, StringComparison.Ordinal);
        string pubsubOnly = admin.Run("CLIENT", "LIST", "TYPE", "pubsub");
        Assert.Contains("sub=2", pubsubOnly, StringComparison.Ordinal);
        Assert.DoesNotContain("sub=0 ", pubsubOnly, StringComparison.Ordinal);
        Assert.DoesNotContain("sub=2", admin.Run("CLIENT", "LIST", "TYPE", "normal"), StringComparison.Ordinal);
    }

    [Fact]
    public void SubscribeInsideMulti_RunsAtExec_AndTheClientIsSubscribedAfter()
    {
        using var client = new RespCommandRunner();
        client.Run("MULTI");
        Assert.Equal("+QUEUED\r\n", client.Run("SUBSCRIBE", "x"));

        Assert.Equal("*1\r\n" + Confirm("subscribe", "x", 1), client.Run("EXEC"));
        Assert.Equal("*2\r\n$4\r\npong\r\n$0\r\n\r\n", client.Run("PING"));
    }

    [Fact]
    public void SubscribedClientInMulti_GetsItsCommandsRefused_AndExecAborts()
    {
        using var client = new RespCommandRunner();
        client.Run("SUBSCRIBE", "x");
        Assert.StartsWith("-ERR Can't execute 'multi'", client.Run("MULTI"), StringComparison.Ordinal);
    }

    [Fact]
    public void Reset_LeavesEverySubscription_AndTheConnectionsState()
    {
        using var publisher = new RespCommandRunner();
        using var client = new RespCommandRunner(publisher.Database);
        client.Run("CLIENT", "SETNAME", "before");
        client.Run("SELECT", "3");
        client.Run("SUBSCRIBE", "a");
        client.Run("PSUBSCRIBE", "*");
        publisher.Run("PUBLISH", "a", "pending");

        // What was posted while subscribed still goes out, ahead of +RESET.
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$7\r\npending\r\n*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\na\r\n$7\r\npending\r\n+RESET\r\n",
            client.Run("RESET"));
        Assert.Equal(":0\r\n", publisher.Run("PUBLISH", "a", "gone"));
        Assert.Equal("$-1\r\n", client.Run("CLIENT", "GETNAME"));
        Assert.Contains(" db=0 ", client.Run("CLIENT", "INFO"), StringComparison.Ordinal);
        Assert.Equal(string.Empty, Pushed(client));
    }

    [Fact]
    public void Reset_InsideMulti_RunsAtOnce_AndDiscardsTheTransaction()
    {
        using var client = new RespCommandRunner();
        client.Run("MULTI");
        client.Run("SET", "k", "v");

        Assert.Equal("+RESET\r\n", client.Run("RESET"));
        Assert.Equal("-ERR EXEC without MULTI\r\n", client.Run("EXEC"));
        Assert.Equal("$-1\r\n", client.Run("GET", "k"));
    }

    [Fact]
    public void Reset_WithAPassword_LeavesTheClientUnauthenticated()
    {
        var database = new NetKit.KeyValue.KeyValueDatabase(new NetKit.KeyValue.KeyValueOptions { RequirePass = "s3cret" });
        using var client = new RespCommandRunner(database);
        Assert.Equal("+OK\r\n", client.Run("AUTH", "s3cret"));

        Assert.Equal("+RESET\r\n", client.Run("RESET"));
        Assert.Equal("-NOAUTH Authentication required.\r\n", client.Run("GET", "k"));
    }

    [Fact]
    public void SubscribingFromTheTextProtocol_SwitchesTheConnectionToResp()
    {
        using var publisher = new RespCommandRunner();
        using var client = new RespCommandRunner(publisher.Database);
        Assert.Equal("(nil)\n", client.RunInline("GET k"));

        // What is pushed is RESP, so the confirmation and everything after it are too, as Redis answers inline.
        Assert.Equal(Confirm("subscribe", "news", 1), client.RunInline("SUBSCRIBE news"));
        publisher.Run("PUBLISH", "news", "hi");
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n", client.RunInline("PING"));
    }

    [Fact]
    public void ClosedSubscriber_IsForgotten()
    {
        using var publisher = new RespCommandRunner();
        var subscriber = new RespCommandRunner(publisher.Database);
        subscriber.Run("SUBSCRIBE", "a");
        subscriber.Run("PSUBSCRIBE", "a*");
        Assert.Equal(":2\r\n", publisher.Run("PUBLISH", "a", "x"));

        subscriber.Dispose();

        Assert.Equal(":0\r\n", publisher.Run("PUBLISH", "a", "x"));
        Assert.Equal(":0\r\n", publisher.Run("PUBSUB", "NUMPAT"));
        Assert.Equal("*0\r\n", publisher.Run("PUBSUB", "CHANNELS"));
    }
}
