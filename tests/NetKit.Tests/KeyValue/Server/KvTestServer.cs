using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>A kv server in this process on a free loopback port, for real clients to talk to.</summary>
public sealed class KvTestServer : IAsyncDisposable
{
    private readonly KeyValueServer _server;

    private KvTestServer(KeyValueServer server)
    {
        _server = server;
    }

    public KeyValueDatabase Database => _server.Database;

    public int Port => EndPointPort.Of(_server.EndPoint);

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The server exactly as <c>netkit kv serve</c> builds it.</summary>
    public static KvTestServer Start() => Start(new KeyValueServerOptions { Port = 0 });

    /// <summary>A server whose clients must AUTH with <paramref name="password"/>.</summary>
    public static KvTestServer StartWithPassword(string password) =>
        Start(new KeyValueServerOptions { Port = 0, RequirePass = password });

    /// <summary>A server with <paramref name="options"/> (give Port = 0).</summary>
    public static KvTestServer Start(KeyValueServerOptions options)
    {
        var server = new KeyValueServer(options);
        server.Start();
        return new KvTestServer(server);
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _server.StopAsync(deadline.Token);
        await _server.DisposeAsync();
    }
}
