using System.Net.Sockets;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;
using NetKit.Tests.KeyValue.Persistence;
using StackExchange.Redis;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>
/// <see cref="KeyValueServer"/> as a test's own Redis (README, "A Redis for your tests"): started in the test
/// process on a free port, used through StackExchange.Redis unchanged, stopped on dispose.
/// </summary>
public class InProcessServerTests
{
    private static Task<ConnectionMultiplexer> ConnectAsync(KeyValueServer server) =>
        ConnectionMultiplexer.ConnectAsync($"{server.EndPoint},abortConnect=false,connectTimeout=5000,syncTimeout=5000")
            .WaitAsync(TimeSpan.FromSeconds(20));

    [Fact]
    public async Task StartAsync_InMemory_ServesStackExchangeRedis_AndStopsOnDispose()
    {
        System.Net.EndPoint endPoint;
        await using (var server = await KeyValueServer.StartAsync(new() { Port = 0 }))
        {
            endPoint = server.EndPoint;
            Assert.NotEqual(0, EndPointPort.Of(endPoint));
            Assert.Null(server.Log);
            await using var redis = await ConnectAsync(server);
            var db = redis.GetDatabase();

            Assert.True(await db.StringSetAsync("greeting", "hello", TimeSpan.FromMinutes(1)));
            Assert.Equal("hello", (string?)await db.StringGetAsync("greeting"));
            Assert.Equal(3, await db.StringIncrementAsync("visits", 3));
            Assert.Equal(2, server.Database.Store.Count);
        }

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(endPoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task StartAsync_OnADataDirectory_KeepsTheDataForTheNextServer()
    {
        using var directory = new TempDataDirectory();
        var options = new KeyValueServerOptions { Port = 0, DataDirectory = directory.Path, Fsync = FsyncPolicy.Always };
        await using (var server = await KeyValueServer.StartAsync(options))
        {
            await using var redis = await ConnectAsync(server);
            Assert.True(await redis.GetDatabase().StringSetAsync("kept", "yes"));
        }

        await using var again = await KeyValueServer.StartAsync(options);
        Assert.Equal(Path.GetFullPath(directory.Path), again.DataDirectory);
        await using var client = await ConnectAsync(again);
        Assert.Equal("yes", (string?)await client.GetDatabase().StringGetAsync("kept"));
    }

    [Fact]
    public async Task Stop_ReleasesTheDataDirectory_AndASecondServerCannotTakeItMeanwhile()
    {
        using var directory = new TempDataDirectory();
        var options = new KeyValueServerOptions { Port = 0, DataDirectory = directory.Path };
        var first = await KeyValueServer.StartAsync(options);
        var locked = await Assert.ThrowsAsync<KeyValueStorageException>(() => KeyValueServer.StartAsync(options));
        Assert.Equal(StorageErrorKind.Locked, locked.Kind);

        await first.DisposeAsync();
        Assert.True(first.Completion.IsCompletedSuccessfully);
        await using var second = await KeyValueServer.StartAsync(options);
    }

    [Fact]
    public async Task LockTake_IsExclusiveUntilItsHolderLetsGo()
    {
        await using var server = await KeyValueServer.StartAsync(new() { Port = 0 });
        await using var redis = await ConnectAsync(server);
        var db = redis.GetDatabase();

        Assert.True(await db.LockTakeAsync("job:42", "worker-a", TimeSpan.FromMinutes(1)));
        Assert.False(await db.LockTakeAsync("job:42", "worker-b", TimeSpan.FromMinutes(1)));
        Assert.Equal("worker-a", (string?)await db.LockQueryAsync("job:42"));
        Assert.InRange((await db.KeyTimeToLiveAsync("job:42"))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        // LockExtend and LockRelease are WATCH + MULTI/EXEC transactions with a condition on the holder.
        Assert.False(await db.LockExtendAsync("job:42", "worker-b", TimeSpan.FromMinutes(5)));
        Assert.True(await db.LockExtendAsync("job:42", "worker-a", TimeSpan.FromMinutes(5)));
        Assert.True((await db.KeyTimeToLiveAsync("job:42"))!.Value > TimeSpan.FromMinutes(1));
        Assert.False(await db.LockReleaseAsync("job:42", "worker-b"));
        Assert.True(await db.LockReleaseAsync("job:42", "worker-a"));
        Assert.True(await db.LockTakeAsync("job:42", "worker-b", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Transactions_WithAConditionCommitOnlyWhileItHolds()
    {
        await using var server = await KeyValueServer.StartAsync(new() { Port = 0 });
        await using var redis = await ConnectAsync(server);
        var db = redis.GetDatabase();
        await db.HashSetAsync("account", [new("balance", 10), new("owner", "ann")]);

        var transaction = db.CreateTransaction();
        transaction.AddCondition(Condition.HashEqual("account", "owner", "ann"));
        var balance = transaction.HashIncrementAsync("account", "balance", -3);
        var moved = transaction.StringSetAsync("audit", "debited 3");
        Assert.True(await transaction.ExecuteAsync());
        Assert.Equal(7, await balance);
        Assert.True(await moved);

        var refused = db.CreateTransaction();
        refused.AddCondition(Condition.HashEqual("account", "owner", "bob"));
        _ = refused.HashIncrementAsync("account", "balance", -100);
        Assert.False(await refused.ExecuteAsync());
        Assert.Equal(7, (long)await db.HashGetAsync("account", "balance"));

        // Databases beyond 0 are there, as StackExchange.Redis's GetDatabase(n) expects.
        var other = redis.GetDatabase(3);
        Assert.True(await other.StringSetAsync("in three", "yes"));
        Assert.False(await db.KeyExistsAsync("in three"));
        Assert.Equal(1, server.Database.StoreAt(3).Count);
    }

    [Fact]
    public async Task DistributedCache_StoresRefreshesAndRemoves()
    {
        await using var server = await KeyValueServer.StartAsync(new() { Port = 0 });
        using var cache = new Microsoft.Extensions.Caching.StackExchangeRedis.RedisCache(
            Microsoft.Extensions.Options.Options.Create(new Microsoft.Extensions.Caching.StackExchangeRedis.RedisCacheOptions
            {
                Configuration = $"{server.EndPoint},abortConnect=false,connectTimeout=5000,syncTimeout=5000",
                InstanceName = "app:",
            }));
        var entry = new Microsoft.Extensions.Caching.Distributed.DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMinutes(5),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1),
        };

        await cache.SetAsync("page", "cached body"u8.ToArray(), entry);
        Assert.Equal("cached body"u8.ToArray(), await cache.GetAsync("page"));
        await cache.RefreshAsync("page");
        Assert.Equal("+hash\r\n", Type(server, "app:page"));
        Assert.True(server.Database.Store.GetExpiry("app:page"u8) > 0);
        await cache.RemoveAsync("page");
        Assert.Null(await cache.GetAsync("page"));
        Assert.Null(await cache.GetAsync("never set"));
    }

    private static string Type(KeyValueServer server, string key)
    {
        using var kv = new RespCommandRunner(server.Database);
        return kv.Run("TYPE", key);
    }

    [Fact]
    public async Task ProtectedMode_RefusesToListenBeyondLoopbackWithoutAPassword()
    {
        var options = new KeyValueServerOptions { EndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Any, 0) };
        await Assert.ThrowsAsync<ProtectedModeException>(() => KeyValueServer.StartAsync(options));
    }

    [Fact]
    public async Task TwoServersInOneProcess_CountTheirOwnCommands()
    {
        await using var first = await KeyValueServer.StartAsync(new() { Port = 0 });
        await using var second = await KeyValueServer.StartAsync(new() { Port = 0 });
        await using var redis = await ConnectAsync(first);
        long before = second.Database.TotalCommands;

        for (int i = 0; i < 10; i++)
        {
            await redis.GetDatabase().StringGetAsync("missing");
        }

        Assert.True(first.Database.KeyspaceMisses >= 10);
        Assert.Equal(0, second.Database.KeyspaceMisses);
        Assert.Equal(before, second.Database.TotalCommands);
    }
}
