using StackExchange.Redis;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>
/// StackExchange.Redis with <c>protocol=resp3</c>: it says HELLO 3, keeps one connection for commands and pushes
/// alike (no second subscription connection), and reads RESP3's maps and nulls.
/// </summary>
public class StackExchangeRedisResp3Tests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static async Task<ConnectionMultiplexer> ConnectAsync(KvTestServer server)
    {
        var options = ConfigurationOptions.Parse(
            $"{server.Address},protocol=resp3,abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000");
        return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Resp3_IsChosen_AndCommandsWork()
    {
        await using var server = KvTestServer.Start();
        await using var redis = await ConnectAsync(server);
        var endpoint = redis.GetEndPoints()[0];
        Assert.Equal(RedisProtocol.Resp3, redis.GetServer(endpoint).Protocol);

        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync("k", "v"));
        Assert.Equal("v", (string?)await db.StringGetAsync("k"));
        Assert.True((await db.StringGetAsync("missing")).IsNull);
        await db.HashSetAsync("h", [new HashEntry("a", "1"), new HashEntry("b", "2")]);
        var all = (await db.HashGetAllAsync("h")).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
        Assert.Equal(new Dictionary<string, string?> { ["a"] = "1", ["b"] = "2" }, all);
        Assert.Equal(3.5, await db.StringIncrementAsync("f", 3.5));
    }

    [Fact]
    public async Task Resp3_PubSub_ArrivesAsPushes()
    {
        await using var server = KvTestServer.Start();
        await using var subscriberSide = await ConnectAsync(server);
        await using var publisherSide = await ConnectAsync(server);
        var channel = RedisChannel.Literal("news");
        var queue = await subscriberSide.GetSubscriber().SubscribeAsync(channel);

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(1, await publisherSide.GetSubscriber().PublishAsync(channel, $"item {i}"));
        }

        for (int i = 0; i < 5; i++)
        {
            using var deadline = new CancellationTokenSource(Wait);
            Assert.Equal($"item {i}", (string?)(await queue.ReadAsync(deadline.Token)).Message);
        }

        // The subscribing connection still answers commands.
        Assert.Equal("pong", (string?)await subscriberSide.GetDatabase().ExecuteAsync("ECHO", "pong"));
    }
}
