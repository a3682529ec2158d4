using System.Diagnostics.Metrics;

namespace NetKit.Transport;

/// <summary>The transport's instruments on the <see cref="NetKitMeter"/>.</summary>
public static class NetKitMetrics
{
    public const string MeterName = NetKitMeter.Name;

    public static readonly Meter Meter = NetKitMeter.Meter;

    public static readonly Counter<long> ConnectionsAccepted =
        Meter.CreateCounter<long>("netkit.connections.accepted", "{connection}", "TCP connections accepted");

    public static readonly Counter<long> ConnectionsRejected =
        Meter.CreateCounter<long>("netkit.connections.rejected", "{connection}", "TCP connections closed at once because the server was at its connection limit");

    public static readonly UpDownCounter<long> ConnectionsActive =
        Meter.CreateUpDownCounter<long>("netkit.connections.active", "{connection}", "TCP connections open now");

    public static readonly Counter<long> ConnectionErrors =
        Meter.CreateCounter<long>("netkit.connections.errors", "{connection}", "TCP connections ended by an error (reset, idle timeout, over a limit)");

    public static readonly Counter<long> DatagramsReceived =
        Meter.CreateCounter<long>("netkit.datagrams.received", "{datagram}", "UDP datagrams received");

    public static readonly Counter<long> DatagramsDropped =
        Meter.CreateCounter<long>("netkit.datagrams.dropped", "{datagram}", "UDP datagrams not answered (not a valid request)");

    public static readonly Counter<long> DatagramRepliesDropped =
        Meter.CreateCounter<long>("netkit.datagrams.replies_dropped", "{datagram}", "UDP replies not sent: the socket's send buffer was full or the sender unreachable");
}
