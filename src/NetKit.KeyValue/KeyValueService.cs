using System.Net;
using Microsoft.Extensions.Logging;
using NetKit.Hosting;
using NetKit.Transport;

namespace NetKit.KeyValue;

/// <summary>The kv service as <c>netkit serve</c> lists it, and its listener built from the shared server settings.</summary>
public static class KeyValueService
{
    public static readonly ServiceDefinition Definition = new("kv", "tcp", 7881, "SET/GET key-value store shared by all clients");

    /// <summary>Redis's reply to a connection past maxclients, sent before it is closed.</summary>
    private static readonly byte[] MaxClientsReached = "-ERR max number of clients reached\r\n"u8.ToArray();

    /// <summary>A listener serving <paramref name="database"/>, or a new in-memory one over <paramref name="store"/>.</summary>
    public static INetworkServer Create(IPEndPoint endPoint, ServiceSettings settings, ILoggerFactory loggerFactory,
        KeyValueDatabase? database = null, KeyValueStore? store = null)
    {
        database ??= new KeyValueDatabase(new KeyValueOptions { MaxLineLength = settings.MaxLineLength }, store);
        KeyValueMetrics.Track(database);
        database.StartExpirySweep();
        // A RESP bulk string may be far larger than a line: the connection may buffer one whole request.
        var options = ServiceFactory.TcpOptions(endPoint, settings) with
        {
            MaxBufferedInput = (int)Math.Min(int.MaxValue - 1, database.Options.MaxBulkLength + (1024 * 1024)),
            RefusalMessage = MaxClientsReached,
        };
        return new TcpServer(Definition.Name, info => new KeyValueProtocol(database, info), options,
            loggerFactory.CreateLogger($"NetKit.{Definition.Name}"));
    }
}
