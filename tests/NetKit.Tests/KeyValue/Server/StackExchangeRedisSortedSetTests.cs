using StackExchange.Redis;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>StackExchange.Redis's sorted-set API, unchanged, against an in-process kv server over loopback.</summary>
public class StackExchangeRedisSortedSetTests
{
    [Fact]
    public async Task SortedSetsThroughTheApi()
    {
        await using var server = KvTestServer.Start();
        var options = ConfigurationOptions.Parse($"{server.Address},abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));
        var db = redis.GetDatabase();

        Assert.True(await db.SortedSetAddAsync("board", "alice", 10));
        Assert.Equal(2, await db.SortedSetAddAsync("board", [new("bob", 7.5), new("carol", 12), new("alice", 11)]));
        Assert.False(await db.SortedSetAddAsync("board", "bob", 1, When.NotExists));

        var ranked = await db.SortedSetRangeByRankWithScoresAsync("board");
        Assert.Equal(["bob", "alice", "carol"], ranked.Select(e => e.Element.ToString()));
        Assert.Equal([7.5, 11, 12], ranked.Select(e => e.Score));
        var top = await db.SortedSetRangeByRankWithScoresAsync("board", 0, 0, Order.Descending);
        Assert.Equal(new SortedSetEntry("carol", 12), Assert.Single(top));

        Assert.Equal(13.25, await db.SortedSetIncrementAsync("board", "bob", 5.75));
        Assert.Null(await db.SortedSetScoreAsync("frac", "x"));
        await db.SortedSetAddAsync("frac", "x", 0.1);
        Assert.Equal(0.1, await db.SortedSetScoreAsync("frac", "x")); // "0.10000000000000001" reads back exactly
        Assert.Equal(2, await db.SortedSetRankAsync("board", "bob"));
        Assert.Equal(3, await db.SortedSetLengthAsync("board", 11, double.PositiveInfinity));
        Assert.Equal(["alice"], (await db.SortedSetRangeByScoreAsync("board", 10, 12, Exclude.Stop)).Select(v => v.ToString()));
        Assert.True(await db.SortedSetRemoveAsync("board", "alice"));
        Assert.Equal(new SortedSetEntry("carol", 12), await db.SortedSetPopAsync("board"));
        Assert.Equal(1, await db.SortedSetLengthAsync("board"));

        await db.StringSetAsync("text", "v");
        await Assert.ThrowsAsync<RedisServerException>(() => db.SortedSetAddAsync("text", "m", 1));
    }
}
