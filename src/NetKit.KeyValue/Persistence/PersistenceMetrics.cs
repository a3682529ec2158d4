using System.Diagnostics.Metrics;

namespace NetKit.KeyValue.Persistence;

/// <summary>The append-only log's instruments on the <c>NetKit</c> meter.</summary>
public static class PersistenceMetrics
{
    public static readonly Counter<long> LogBytesWritten =
        NetKitMeter.Meter.CreateCounter<long>("netkit.kv.log.bytes_written", "By", "Bytes appended to the kv append-only log (rewrites included)");

    public static readonly Counter<long> Fsyncs =
        NetKitMeter.Meter.CreateCounter<long>("netkit.kv.log.fsyncs", "{fsync}", "fsync calls on the kv append-only log");

    public static readonly Histogram<double> FsyncDuration =
        NetKitMeter.Meter.CreateHistogram<double>("netkit.kv.log.fsync.duration", "ms", "How long each fsync of the kv append-only log took");

    public static readonly Counter<long> WriteErrors =
        NetKitMeter.Meter.CreateCounter<long>("netkit.kv.log.write_errors", "{error}", "Failed writes or fsyncs of the kv append-only log");

    public static readonly Counter<long> Rewrites =
        NetKitMeter.Meter.CreateCounter<long>("netkit.kv.log.rewrites", "{rewrite}", "Completed rewrites (compactions) of the kv append-only log");
}
