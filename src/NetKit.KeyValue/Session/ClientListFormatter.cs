using System.Globalization;
using System.Net;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>Writes a client as one line of CLIENT LIST / CLIENT INFO, in Redis's field order, so tools
/// that parse Redis's format (redis-cli, client libraries, monitoring scripts) read ours.</summary>
internal static class ClientListFormatter
{
    public static string Line(ClientSession client, long nowMs)
    {
        var line = new StringBuilder(256);
        line.Append("id=").Append(client.Id.ToString(CultureInfo.InvariantCulture))
            .Append(" addr=").Append(Address(client.RemoteEndPoint))
            .Append(" laddr=").Append(Address(client.LocalEndPoint))
            .Append(" fd=0 name=").Append(client.Name)
            .Append(" age=").Append(Seconds(nowMs - client.ConnectedAtMs))
            .Append(" idle=").Append(Seconds(nowMs - client.LastCommandAtMs))
            .Append(" flags=").Append(Flags(client))
            .Append(" db=").Append(client.DatabaseIndex.ToString(CultureInfo.InvariantCulture))
            .Append(" sub=").Append(client.PubSub.ChannelCount.ToString(CultureInfo.InvariantCulture))
            .Append(" psub=").Append(client.PubSub.PatternCount.ToString(CultureInfo.InvariantCulture))
            .Append(" ssub=").Append(client.PubSub.ShardChannelCount.ToString(CultureInfo.InvariantCulture))
            .Append(" multi=").Append(client.Transaction.InMulti ? client.Transaction.Queued.Count.ToString(CultureInfo.InvariantCulture) : "-1")
            .Append(" qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0")
            .Append(" obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=").Append(client.LastCommand.ToLowerInvariant())
            .Append(" user=default redir=-1 resp=2\n");
        return line.ToString();
    }

    /// <summary>ip:port as Redis writes it: IPv6 in brackets, IPv4 clients of a dual-mode socket as IPv4.</summary>
    public static string Address(EndPoint? endPoint)
    {
        if (endPoint is IPEndPoint ip)
        {
            var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
            return new IPEndPoint(address, ip.Port).ToString();
        }

        if (endPoint is System.Net.Sockets.UnixDomainSocketEndPoint unix)
        {
            return unix + ":0"; // Redis writes a Unix socket client as its socket file, port 0
        }

        return endPoint?.ToString() ?? string.Empty;
    }

    /// <summary>Redis's flag letters, in its order: O monitor, P subscribed, x in MULTI, b held (CLIENT PAUSE); N for none.</summary>
    private static string Flags(ClientSession client)
    {
        var pubsub = client.PubSub;
        string flags = (pubsub.Monitoring ? "O" : string.Empty) + (pubsub.IsSubscribed ? "P" : string.Empty)
                       + (client.Transaction.InMulti ? "x" : string.Empty) + (pubsub.Held || client.BlockedOnList ? "b" : string.Empty);
        return flags.Length == 0 ? "N" : flags;
    }

    private static string Seconds(long ms) => Math.Max(0, ms / 1000).ToString(CultureInfo.InvariantCulture);
}
