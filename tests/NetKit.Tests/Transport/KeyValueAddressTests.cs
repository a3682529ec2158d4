using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetKit.KeyValue;
using NetKit.Tests.KeyValue.Server;
using NetKit.Transport;
using StackExchange.Redis;

namespace NetKit.Tests.Transport;

/// <summary>kv on a Unix socket and on ::1, through redis-cli (-s, -h ::1) and StackExchange.Redis, on every model.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyValueAddressTests : IDisposable
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(20);
    private readonly UnixSocketDirectory _directory = new();

    public static TheoryData<ConnectionModel> Models => [ConnectionModel.Epoll, ConnectionModel.Async, ConnectionModel.Threads];

    private static Task<KeyValueServer> StartAsync(EndPoint endPoint, ConnectionModel model, UnixFileMode? permissions = null) =>
        KeyValueServer.StartAsync(new KeyValueServerOptions { EndPoint = endPoint, Model = model, UnixSocketPermissions = permissions });

    private static Task<ConnectionMultiplexer> ConnectAsync(EndPoint endPoint) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { endPoint },
            AbortOnConnectFail = true,
            ConnectTimeout = 5000,
            SyncTimeout = 5000,
        }).WaitAsync(TimeSpan.FromSeconds(20));

    [Theory]
    [MemberData(nameof(Models))]
    public async Task UnixSocket_StackExchangeRedis(ConnectionModel model)
    {
        string path = _directory.NewPath("kv");
        await using var server = await StartAsync(new UnixDomainSocketEndPoint(path), model);
        await using var redis = await ConnectAsync(new UnixDomainSocketEndPoint(path));
        var db = redis.GetDatabase();

        Assert.True(await db.StringSetAsync("unix:key", "over a socket file"));
        Assert.Equal("over a socket file", (string?)await db.StringGetAsync("unix:key"));
        Assert.Equal(5, await db.StringIncrementAsync("unix:n", 5));
        string list = (string?)await db.ExecuteAsync("CLIENT", "LIST") ?? string.Empty;
        Assert.Contains($"addr={path}:0", list, StringComparison.Ordinal);
    }

    [RequiresToolFact("redis-cli")]
    public async Task UnixSocket_RedisCliDashS()
    {
        string path = _directory.NewPath("kv");
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        await using var server = await StartAsync(new UnixDomainSocketEndPoint(path), ConnectionModel.Epoll, ownerOnly);
        Assert.Equal(ownerOnly, File.GetUnixFileMode(path));

        var set = await ExternalTool.RunAsync("redis-cli", ["-s", path, "set", "greeting", "hello unix"], CliTimeout);
        Assert.True(set.ExitCode == 0 && set.Stdout == "OK\n", set.ToString());
        var get = await ExternalTool.RunAsync("redis-cli", ["-s", path, "get", "greeting"], CliTimeout);
        Assert.Equal("hello unix\n", get.Stdout);
        var info = await ExternalTool.RunAsync("redis-cli", ["-s", path, "info", "server"], CliTimeout);
        Assert.Contains("tcp_port:0", info.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnixSocket_NeedsNoPassword_AsLoopbackDoesNot()
    {
        // Protected mode is about other hosts: a socket file is reached from this machine only.
        await using var server = await StartAsync(new UnixDomainSocketEndPoint(_directory.NewPath("kv")), ConnectionModel.Async);
        Assert.IsType<UnixDomainSocketEndPoint>(server.EndPoint);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Ipv6Loopback_StackExchangeRedis(ConnectionModel model)
    {
        await using var server = await StartAsync(new IPEndPoint(IPAddress.IPv6Loopback, 0), model);
        await using var redis = await ConnectAsync(server.EndPoint);
        var db = redis.GetDatabase();

        Assert.True(await db.StringSetAsync("v6", "over ::1"));
        Assert.Equal("over ::1", (string?)await db.StringGetAsync("v6"));
        string list = (string?)await db.ExecuteAsync("CLIENT", "LIST") ?? string.Empty;
        Assert.Contains("addr=[::1]:", list, StringComparison.Ordinal);
    }

    [RequiresToolFact("redis-cli")]
    public async Task Ipv6Loopback_RedisCli()
    {
        await using var server = await StartAsync(new IPEndPoint(IPAddress.IPv6Loopback, 0), ConnectionModel.Epoll);
        string port = EndPointPort.Of(server.EndPoint).ToString(CultureInfo.InvariantCulture);

        var ping = await ExternalTool.RunAsync("redis-cli", ["-h", "::1", "-p", port, "ping"], CliTimeout);

        Assert.True(ping.ExitCode == 0 && ping.Stdout == "PONG\n", ping.ToString());
    }

    [Fact]
    public async Task KeyValueClient_OverAUnixSocketAndIpv6()
    {
        string path = _directory.NewPath("kv");
        await using var unix = await StartAsync(new UnixDomainSocketEndPoint(path), ConnectionModel.Epoll);
        await using var v6 = await StartAsync(new IPEndPoint(IPAddress.IPv6Loopback, 0), ConnectionModel.Epoll);
        foreach (var address in new[] { HostPort.Parse($"unix:{path}", 0), HostPort.Parse($"[::1]:{EndPointPort.Of(v6.EndPoint)}", 0) })
        {
            await using var client = await KeyValueClient.ConnectAsync(address);
            await client.SetAsync("where", address.ToString());
            Assert.Equal(address.ToString(), await client.GetAsync("where"));
        }
    }

    [Fact]
    public async Task AClientOnASocketFileNobodyServes_IsRefusedInOneLine()
    {
        string path = _directory.NewPath("none");

        var error = await Assert.ThrowsAsync<NetKitException>(() => KeyValueClient.ConnectAsync(HostPort.Unix(path)));

        Assert.Equal(NetErrorKind.ConnectionRefused, error.Kind);
        Assert.Equal($"cannot connect to unix:{path}: no such socket file", error.Message);
    }

    public void Dispose() => _directory.Dispose();
}
