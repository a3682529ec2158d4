using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Hosting;
using NetKit.KeyValue;
using NetKit.Transport;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>A kv server in this process on a free loopback port, for real clients to talk to.</summary>
public sealed class KvTestServer : IAsyncDisposable
{
    private readonly INetworkServer _server;

    private KvTestServer(INetworkServer server, KeyValueDatabase? database)
    {
        _server = server;
        Database = database;
    }

    /// <summary>The database when the test built it (a password server); null for the factory-built one.</summary>
    public KeyValueDatabase? Database { get; }

    public int Port => _server.LocalEndPoint.Port;

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The server exactly as <c>netkit kv serve</c> builds it.</summary>
    public static KvTestServer Start()
    {
        var server = KeyValueService.Create(new IPEndPoint(IPAddress.Loopback, 0), new ServiceSettings(), NullLoggerFactory.Instance);
        server.Start();
        return new KvTestServer(server, null);
    }

    /// <summary>A server whose clients must AUTH with <paramref name="password"/>. Built by hand because
    /// <see cref="ServiceSettings"/> has no password setting yet.</summary>
    public static KvTestServer StartWithPassword(string password)
    {
        var database = new KeyValueDatabase(new KeyValueOptions { RequirePass = password });
        var server = new TcpServer("kv", info => new KeyValueProtocol(database, info), new TcpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        server.Start();
        return new KvTestServer(server, database);
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _server.StopAsync(deadline.Token);
        await _server.DisposeAsync();
        Database?.Dispose();
    }
}
