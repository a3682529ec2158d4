using StackExchange.Redis;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>Values far larger than one read or the pipe's segments cross the wire whole, both ways.</summary>
public class LargeValueTests
{
    [Fact]
    public async Task FourMebibyteValue_RoundTripsThroughARealClient()
    {
        await using var server = KvTestServer.Start();
        var options = ConfigurationOptions.Parse($"{server.Address},abortConnect=false,connectTimeout=5000,syncTimeout=10000,asyncTimeout=10000");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));
        var db = redis.GetDatabase();
        var value = new byte[4 * 1024 * 1024];
        new Random(7).NextBytes(value);

        Assert.True(await db.StringSetAsync("big", value));
        byte[]? back = await db.StringGetAsync("big");

        Assert.Equal(value, back);
        Assert.Equal(value.Length, await db.StringLengthAsync("big"));
        Assert.Equal("PONG", (string?)await db.ExecuteAsync("PING"));
    }
}
