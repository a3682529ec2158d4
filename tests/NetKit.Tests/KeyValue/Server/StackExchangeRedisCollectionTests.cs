using StackExchange.Redis;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>StackExchange.Redis's set, list and sorted-set API, unchanged, against an in-process kv server: the
/// calls a job queue, a tag index or a leaderboard makes.</summary>
public class StackExchangeRedisCollectionTests
{
    private static async Task<ConnectionMultiplexer> ConnectAsync(KvTestServer server)
    {
        var options = ConfigurationOptions.Parse($"{server.Address},abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000");
        return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Sets_AddMembersPopAndCombine()
    {
        await using var server = KvTestServer.Start();
        await using var redis = await ConnectAsync(server);
        var db = redis.GetDatabase();

        Assert.Equal(3, await db.SetAddAsync("tags:a", ["red", "green", "blue"]));
        Assert.False(await db.SetAddAsync("tags:a", "red"));
        Assert.Equal(2, await db.SetAddAsync("tags:b", ["green", "yellow"]));
        Assert.True(await db.SetContainsAsync("tags:a", "blue"));
        Assert.Equal(["blue", "green", "red"], (await db.SetMembersAsync("tags:a")).Select(m => (string)m!).Order());
        Assert.Equal(["green"], (await db.SetCombineAsync(SetOperation.Intersect, "tags:a", "tags:b")).Select(m => (string)m!));
        Assert.Equal(4, await db.SetCombineAndStoreAsync(SetOperation.Union, "tags:all", "tags:a", "tags:b"));

        string? popped = await db.SetPopAsync("tags:a");
        Assert.Contains(popped, new[] { "red", "green", "blue" });
        Assert.False(await db.SetContainsAsync("tags:a", popped));
        Assert.Equal(2, await db.SetLengthAsync("tags:a"));
    }

    [Fact]
    public async Task Lists_AreAQueue_WithABlockingPop()
    {
        await using var server = KvTestServer.Start();
        await using var redis = await ConnectAsync(server);
        var db = redis.GetDatabase();

        Assert.Equal(3, await db.ListLeftPushAsync("jobs", ["a", "b", "c"]));
        Assert.Equal("a", (string?)await db.ListRightPopAsync("jobs"));
        Assert.Equal(["c", "b"], (await db.ListRangeAsync("jobs")).Select(v => (string)v!));
        Assert.Equal("b", (string?)await db.ListMoveAsync("jobs", "done", ListSide.Right, ListSide.Left));
        Assert.Equal(1, await db.ListLengthAsync("done"));

        // BRPOP through ExecuteAsync on its own connection, served by a push from another.
        await using var worker = await ConnectAsync(server);
        var waiting = worker.GetDatabase().ExecuteAsync("BRPOP", "incoming", "10");
        await db.ListLeftPushAsync("incoming", "job-1");
        var reply = (RedisResult[])(await waiting.WaitAsync(TimeSpan.FromSeconds(15)))!;
        Assert.Equal(["incoming", "job-1"], reply.Select(r => (string)r!));
    }

    [Fact]
    public async Task SortedSets_AreALeaderboard()
    {
        await using var server = KvTestServer.Start();
        await using var redis = await ConnectAsync(server);
        var db = redis.GetDatabase();

        await db.SortedSetAddAsync("board", [new SortedSetEntry("ann", 30), new SortedSetEntry("bob", 10), new SortedSetEntry("cy", 20)]);
        Assert.Equal(35, await db.SortedSetIncrementAsync("board", "bob", 25));
        var top = await db.SortedSetRangeByRankWithScoresAsync("board", 0, 1, Order.Descending);
        Assert.Equal([("bob", 35.0), ("ann", 30.0)], top.Select(e => ((string)e.Element!, e.Score)));
        Assert.Equal(2, await db.SortedSetRankAsync("board", "bob"));
        Assert.Equal(20, await db.SortedSetScoreAsync("board", "cy"));
        Assert.Equal(2, await db.SortedSetLengthAsync("board", min: 20, max: 30));
        Assert.Equal("cy", (string?)(await db.SortedSetPopAsync("board", Order.Ascending))!.Value.Element);
    }
}
