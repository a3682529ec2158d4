using System.Diagnostics.Metrics;

namespace NetKit.Transport;

/// <summary>
/// The transport's instruments on the <see cref="NetKitMeter"/>, each tagged with the <c>service</c> it counts
/// for, so one process serving several services (<c>netkit serve</c>) reports them apart. Byte totals are kept
/// per connection and per datagram loop, and summed only when a listener reads them.
/// </summary>
public static class NetKitMetrics
{
    public const string MeterName = NetKitMeter.Name;

    public static readonly Meter Meter = NetKitMeter.Meter;

    private static readonly Lock Gate = new();
    private static readonly List<WeakReference<IMeteredServer>> Servers = [];

    public static readonly Counter<long> ConnectionsAccepted =
        Meter.CreateCounter<long>("netkit.connections.accepted", "{connection}", "TCP connections accepted (tag: service)");

    public static readonly Counter<long> ConnectionsRejected =
        Meter.CreateCounter<long>("netkit.connections.rejected", "{connection}",
            "TCP connections closed at once (tags: service; reason: max_connections, descriptors, stopping)");

    public static readonly UpDownCounter<long> ConnectionsActive =
        Meter.CreateUpDownCounter<long>("netkit.connections.active", "{connection}", "TCP connections open now (tag: service)");

    public static readonly Counter<long> ConnectionErrors =
        Meter.CreateCounter<long>("netkit.connections.errors", "{connection}", "TCP connections ended by an error (reset, idle timeout, over a limit; tag: service)");

    public static readonly Counter<long> DatagramsReceived =
        Meter.CreateCounter<long>("netkit.datagrams.received", "{datagram}", "UDP datagrams received (tag: service)");

    public static readonly Counter<long> DatagramsDropped =
        Meter.CreateCounter<long>("netkit.datagrams.dropped", "{datagram}", "UDP datagrams not answered (not a valid request; tag: service)");

    public static readonly Counter<long> DatagramRepliesDropped =
        Meter.CreateCounter<long>("netkit.datagrams.replies_dropped", "{datagram}", "UDP replies not sent: the socket's send buffer was full or the sender unreachable (tag: service)");

    public static readonly ObservableCounter<long> BytesReceived = Meter.CreateObservableCounter(
        "netkit.bytes.received", static () => Observe(static s => s.BytesReceived), "By", "Bytes received from peers (tag: service)");

    public static readonly ObservableCounter<long> BytesSent = Meter.CreateObservableCounter(
        "netkit.bytes.sent", static () => Observe(static s => s.BytesSent), "By", "Bytes of replies handed to the network (tag: service)");

    /// <summary>The <c>service</c> tag for a server named <paramref name="service"/>.</summary>
    public static KeyValuePair<string, object?> ServiceTag(string service) => new("service", service);

    /// <summary>Includes a started server in the byte totals. Held weakly: a server that is dropped stops counting.</summary>
    internal static void Track(IMeteredServer server)
    {
        lock (Gate)
        {
            Servers.RemoveAll(static r => !r.TryGetTarget(out _));
            if (!Servers.Exists(r => r.TryGetTarget(out var s) && ReferenceEquals(s, server)))
            {
                Servers.Add(new WeakReference<IMeteredServer>(server));
            }
        }
    }

    private static List<Measurement<long>> Observe(Func<IMeteredServer, long> read)
    {
        // Servers of one service (several listeners) add up under one tag.
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (Gate)
        {
            foreach (var reference in Servers)
            {
                if (reference.TryGetTarget(out var server))
                {
                    totals[server.Name] = totals.GetValueOrDefault(server.Name) + read(server);
                }
            }
        }

        var measurements = new List<Measurement<long>>(totals.Count);
        foreach (var (service, value) in totals)
        {
            measurements.Add(new Measurement<long>(value, ServiceTag(service)));
        }

        return measurements;
    }
}
