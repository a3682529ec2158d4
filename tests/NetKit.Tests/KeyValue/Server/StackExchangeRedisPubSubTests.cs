using System.Collections.Concurrent;
using StackExchange.Redis;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>
/// StackExchange.Redis's ISubscriber, unchanged, against an in-process kv server: it keeps a second connection
/// in subscribed mode (pinging it there, as it does with Redis) and routes each message to its handler, so the
/// backplanes built on it (SignalR's, caches' invalidation) work.
/// </summary>
public class StackExchangeRedisPubSubTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static async Task<ConnectionMultiplexer> ConnectAsync(KvTestServer server, TextWriter? log = null)
    {
        var options = ConfigurationOptions.Parse($"{server.Address},abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000");
        return await ConnectionMultiplexer.ConnectAsync(options, log).WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ChannelSubscription_GetsEachMessage_InOrder()
    {
        await using var server = KvTestServer.Start();
        await using var subscriberSide = await ConnectAsync(server);
        await using var publisherSide = await ConnectAsync(server);
        var channel = RedisChannel.Literal("orders");
        // The queue form keeps the order the messages arrived in; handler callbacks may run concurrently
        // (StackExchange.Redis's design), so they cannot show order.
        var queue = await subscriberSide.GetSubscriber().SubscribeAsync(channel);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(1, await publisherSide.GetSubscriber().PublishAsync(channel, $"order {i}"));
        }

        for (int i = 0; i < 20; i++)
        {
            using var deadline = new CancellationTokenSource(Wait);
            var message = await queue.ReadAsync(deadline.Token);
            Assert.Equal($"order {i}", (string?)message.Message);
        }
    }

    [Fact]
    public async Task PatternSubscription_GetsTheChannelOfEachMessage()
    {
        await using var server = KvTestServer.Start();
        await using var redis = await ConnectAsync(server);
        var subscriber = redis.GetSubscriber();
        // The queue keeps arrival order; handler callbacks may run concurrently, so they cannot show it.
        var queue = await subscriber.SubscribeAsync(RedisChannel.Pattern("events.*"));

        Assert.Equal(1, await subscriber.PublishAsync(RedisChannel.Literal("events.login"), "alice"));
        Assert.Equal(0, await subscriber.PublishAsync(RedisChannel.Literal("other.login"), "bob"));
        Assert.Equal(1, await subscriber.PublishAsync(RedisChannel.Literal("events.logout"), "carol"));

        using var deadline = new CancellationTokenSource(Wait);
        var first = await queue.ReadAsync(deadline.Token);
        Assert.Equal(("events.login", "alice"), ((string)first.Channel!, (string)first.Message!));
        var second = await queue.ReadAsync(deadline.Token);
        Assert.Equal(("events.logout", "carol"), ((string)second.Channel!, (string)second.Message!));
    }

    [Fact]
    public async Task Unsubscribe_StopsTheMessages_AndTheServerForgetsTheChannel()
    {
        await using var server = KvTestServer.Start();
        await using var redis = await ConnectAsync(server);
        var subscriber = redis.GetSubscriber();
        var received = new BlockingCollection<string>();
        var kept = RedisChannel.Literal("kept");
        var dropped = RedisChannel.Literal("dropped");
        await subscriber.SubscribeAsync(kept, (_, message) => received.Add("kept " + message));
        await subscriber.SubscribeAsync(dropped, (_, message) => received.Add("dropped " + message));

        await subscriber.UnsubscribeAsync(dropped);

        Assert.Equal(0, await subscriber.PublishAsync(dropped, "1"));
        Assert.Equal(1, await subscriber.PublishAsync(kept, "2"));
        Assert.True(received.TryTake(out string? message, Wait));
        Assert.Equal("kept 2", message);
        var numsub = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", "dropped", "kept"))!;
        Assert.Equal(["dropped", "0", "kept", "1"], numsub.Select(r => r.ToString()));

        await subscriber.UnsubscribeAllAsync();
        Assert.Equal(0, await subscriber.PublishAsync(kept, "3"));
        Assert.Empty(received);
    }

    [Fact]
    public async Task SubscriptionConnection_SurvivesItsHeartbeat_AndTheServerSeesASubscriber()
    {
        await using var server = KvTestServer.Start();
        var log = new StringWriter();
        await using var redis = await ConnectAsync(server, log);
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal("beat"), (_, _) => { });

        // A ping through the subscriber goes over its subscribed connection: RESP2's [pong, ""] there.
        Assert.True(await subscriber.PingAsync() < Wait);
        string list = (string)(await redis.GetDatabase().ExecuteAsync("CLIENT", "LIST"))!;
        Assert.Contains(" flags=P ", list, StringComparison.Ordinal);
        Assert.True(redis.IsConnected);
        Assert.DoesNotContain("fail", log.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
