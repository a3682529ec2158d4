using NetKit.KeyValue;
using NetKit.Tests.Transport;
using NetKit.Transport;
using StackExchange.Redis;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>
/// Keyspace notifications over loopback: the background expiry cycle's event reaches an idle subscriber with
/// no request of its own (waited for by reading it, bounded by the client's timeout), on every connection
/// model; StackExchange.Redis subscribes to a key's channel as it does with Redis.
/// </summary>
public class KeyspaceNotificationWireTests
{
    public static TheoryData<ConnectionModel> Models => [ConnectionModel.Threads, ConnectionModel.Async, ConnectionModel.Epoll];

    [Theory]
    [MemberData(nameof(Models))]
    public async Task BackgroundExpiry_ReachesAnIdleSubscriber(ConnectionModel model)
    {
        await using var server = await KeyValueServer.StartAsync(new KeyValueServerOptions { Port = 0, Model = model, NotifyKeyspaceEvents = "Ex" });
        using var subscriber = await LoopbackClient.ConnectAsync(server.EndPoint);
        using var client = await LoopbackClient.ConnectAsync(server.EndPoint);
        await subscriber.SendAsync(Encode("PSUBSCRIBE", "*"));
        await subscriber.ExpectAsync("*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n");

        // Nobody reads foo again: only the sweep can expire it.
        await client.SendAsync(Encode("SET", "foo", "1", "PX", "50"));
        await client.ExpectAsync("+OK\r\n");

        await subscriber.ExpectAsync("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$22\r\n__keyevent@0__:expired\r\n$3\r\nfoo\r\n");
        Assert.Equal(1, server.Database.Databases.ExpiredKeys);
    }

    [Fact]
    public async Task StackExchangeRedis_GetsAKeysEvents()
    {
        await using var server = KvTestServer.Start(new KeyValueServerOptions { Port = 0, NotifyKeyspaceEvents = "KA" });
        var options = ConfigurationOptions.Parse($"{server.Address},abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));
        var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("__keyspace@0__:cart:42"));
        var db = redis.GetDatabase();

        await db.HashSetAsync("cart:42", "apples", 3);
        await db.HashIncrementAsync("cart:42", "apples", 2);
        await db.KeyExpireAsync("cart:42", TimeSpan.FromMinutes(5));
        await db.KeyDeleteAsync("cart:42");
        await db.StringSetAsync("cart:43", "elsewhere");

        foreach (string expected in new[] { "hset", "hincrby", "expire", "del" })
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var message = await queue.ReadAsync(deadline.Token);
            Assert.Equal("__keyspace@0__:cart:42", (string?)message.Channel);
            Assert.Equal(expected, (string?)message.Message);
        }

        Assert.False(queue.TryRead(out _));
    }
}
