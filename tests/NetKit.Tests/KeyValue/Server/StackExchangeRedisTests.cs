using StackExchange.Redis;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>StackExchange.Redis, unchanged, against an in-process kv server over loopback.</summary>
public class StackExchangeRedisTests
{
    private static async Task<ConnectionMultiplexer> ConnectAsync(KvTestServer server, string? password = null, StringWriter? log = null,
        bool allowAdmin = false)
    {
        var options = ConfigurationOptions.Parse($"{server.Address},abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000");
        options.Password = password;
        options.AllowAdmin = allowAdmin;
        return await ConnectionMultiplexer.ConnectAsync(options, log).WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ConnectsCleanly()
    {
        await using var server = KvTestServer.Start();
        var log = new StringWriter();
        await using var redis = await ConnectAsync(server, log: log);

        Assert.True(redis.IsConnected, log.ToString());
        var endpoint = redis.GetEndPoints().Single();
        var info = redis.GetServer(endpoint);
        Assert.True(info.IsConnected, log.ToString());
        Assert.Equal(ServerType.Standalone, info.ServerType);
        Assert.False(info.IsReplica);
        Assert.Equal(new Version(7, 0, 15), info.Version);
        Assert.DoesNotContain("fail", log.ToString(), StringComparison.OrdinalIgnoreCase);

        var db = redis.GetDatabase();
        Assert.Equal("PONG", (string?)await db.ExecuteAsync("PING"));
        Assert.True((await db.PingAsync()) < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ServerCommandsThroughTheApi()
    {
        await using var server = KvTestServer.Start();
        await using var redis = await ConnectAsync(server, allowAdmin: true);
        var admin = redis.GetServer(redis.GetEndPoints().Single());
        var db = redis.GetDatabase();

        await db.StringSetAsync("se-a", "1");
        Assert.Equal(1, await admin.DatabaseSizeAsync());
        var time = await admin.TimeAsync();
        Assert.InRange(time, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));

        var info = await admin.InfoAsync("server");
        Assert.Equal("7.0.15", info.Single().Single(p => p.Key == "redis_version").Value);
        var config = await admin.ConfigGetAsync("maxmemory*");
        Assert.Contains(config, p => p.Key == "maxmemory-policy" && p.Value == "noeviction");
        // StackExchange.Redis names its connections at connect with CLIENT SETNAME.
        Assert.Equal(redis.ClientName, (string?)await db.ExecuteAsync("CLIENT", "GETNAME"));
        Assert.NotEmpty(await admin.ClientListAsync());

        await admin.FlushDatabaseAsync();
        Assert.Equal(0, await admin.DatabaseSizeAsync());
    }

    [Fact]
    public async Task StringAndKeyCommands()
    {
        // Uses DEL, INCR, EXPIRE and TTL, written concurrently by the data-commands work.
        await using var server = KvTestServer.Start();
        await using var redis = await ConnectAsync(server);
        var db = redis.GetDatabase();

        Assert.True(await db.StringSetAsync("greeting", "hello world"));
        Assert.Equal("hello world", (string?)await db.StringGetAsync("greeting"));
        Assert.True((await db.StringGetAsync("missing")).IsNull);
        Assert.Equal("hello world", (string?)await db.StringSetAndGetAsync("greeting", "bye"));
        Assert.Equal("bye", (string?)await db.StringGetAsync("greeting"));

        byte[] binary = [0, 1, 2, 13, 10, 255];
        await db.StringSetAsync(new RedisKey("bin\r\nkey"), binary);
        Assert.Equal(binary, (byte[]?)await db.StringGetAsync(new RedisKey("bin\r\nkey")));

        Assert.Equal(1, await db.StringIncrementAsync("counter"));
        Assert.Equal(11, await db.StringIncrementAsync("counter", 10));

        Assert.True(await db.KeyExpireAsync("greeting", TimeSpan.FromSeconds(100)));
        var ttl = await db.KeyTimeToLiveAsync("greeting");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(100));

        Assert.True(await db.KeyDeleteAsync("greeting"));
        Assert.False(await db.KeyDeleteAsync("greeting"));
        Assert.True((await db.StringGetAsync("greeting")).IsNull);
    }

    [Fact]
    public async Task ManyConcurrentRequestsArePipelined()
    {
        await using var server = KvTestServer.Start();
        await using var redis = await ConnectAsync(server);
        var db = redis.GetDatabase();

        var sets = Enumerable.Range(0, 500).Select(i => db.StringSetAsync($"p{i}", $"v{i}")).ToArray();
        Assert.All(await Task.WhenAll(sets), Assert.True);
        var gets = Enumerable.Range(0, 500).Select(i => db.StringGetAsync($"p{i}")).ToArray();
        var values = await Task.WhenAll(gets);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal($"v{i}", (string?)values[i]);
        }
    }

    [Fact]
    public async Task UnknownCommandIsAServerError()
    {
        await using var server = KvTestServer.Start();
        await using var redis = await ConnectAsync(server);
        var db = redis.GetDatabase();

        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("NOSUCHCMD", "a"));
        Assert.StartsWith("ERR unknown command 'NOSUCHCMD', with args beginning with: 'a'", error.Message, StringComparison.Ordinal);
        // The connection survives the error.
        Assert.Equal("PONG", (string?)await db.ExecuteAsync("PING"));
    }

    [Fact]
    public async Task PasswordServerWithThePassword()
    {
        await using var server = KvTestServer.StartWithPassword("correct horse");
        await using var redis = await ConnectAsync(server, password: "correct horse");
        Assert.True(redis.IsConnected);
        var db = redis.GetDatabase();
        await db.StringSetAsync("k", "v");
        Assert.Equal("v", (string?)await db.StringGetAsync("k"));
    }

    [Fact]
    public async Task PasswordServerWithoutThePasswordDoesNotServe()
    {
        await using var server = KvTestServer.StartWithPassword("correct horse");
        server.Database.Store.Set("k"u8, "secret"u8);
        var options = ConfigurationOptions.Parse($"{server.Address},abortConnect=false,connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000");
        options.Password = "wrong";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(redis.IsConnected);
        await Assert.ThrowsAnyAsync<RedisException>(() => redis.GetDatabase().StringGetAsync("k"));
    }
}
