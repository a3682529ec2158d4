using StackExchange.Redis;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>StackExchange.Redis's list API, unchanged, against an in-process kv server over loopback.</summary>
public class StackExchangeRedisListTests
{
    [Fact]
    public async Task ListCommands_ThroughTheApi()
    {
        await using var server = KvTestServer.Start();
        var options = ConfigurationOptions.Parse($"{server.Address},abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));
        var db = redis.GetDatabase();

        Assert.Equal(3, await db.ListLeftPushAsync("se-list", ["c", "b", "a"]));
        Assert.Equal(4, await db.ListRightPushAsync("se-list", "d"));
        Assert.Equal(["a", "b", "c", "d"], (await db.ListRangeAsync("se-list")).Select(v => (string)v!));
        Assert.Equal("d", (string?)await db.ListRightPopAsync("se-list"));
        Assert.Equal("a", (string?)await db.ListLeftPopAsync("se-list"));
        Assert.Equal(2, await db.ListLengthAsync("se-list"));
        Assert.Equal("c", (string?)await db.ListGetByIndexAsync("se-list", -1));
        await db.ListSetByIndexAsync("se-list", 0, "B");
        Assert.Equal(3, await db.ListInsertAfterAsync("se-list", "B", "x"));
        Assert.Equal(1, await db.ListPositionAsync("se-list", "x"));
        Assert.Equal(1, await db.ListRemoveAsync("se-list", "x"));
        Assert.Equal("c", (string?)await db.ListMoveAsync("se-list", "se-other", ListSide.Right, ListSide.Left));
        var popped = await db.ListLeftPopAsync(["se-none", "se-list"], 5);
        Assert.Equal("se-list", (string?)popped.Key);
        Assert.Equal(["B"], popped.Values.Select(v => (string)v!));
        Assert.False(await db.KeyExistsAsync("se-list"));
        Assert.Equal(RedisType.List, await db.KeyTypeAsync("se-other"));
        Assert.Equal(["c"], (await db.SortAsync("se-other", sortType: SortType.Alphabetic)).Select(v => (string)v!));
    }
}
