using System.Diagnostics.Metrics;

namespace NetKit.KeyValue;

/// <summary>
/// The kv server's instruments on the <c>NetKit</c> meter. They are observable: each reads counters the
/// server keeps anyway (per-command calls, hits and misses, key counts) when a listener collects, so the
/// request path pays nothing extra for metrics.
/// </summary>
public static class KeyValueMetrics
{
    private static readonly Lock Gate = new();
    private static readonly List<WeakReference<KeyValueDatabase>> Databases = [];
    private static readonly KeyValuePair<string, object?> ServiceTag = new("service", KeyValueService.Definition.Name);

    public static readonly ObservableCounter<long> Commands = NetKitMeter.Meter.CreateObservableCounter(
        "netkit.kv.commands", ObserveCommands, "{command}", "kv commands executed, by command name (tag: command)");

    public static readonly ObservableCounter<long> KeyspaceHits = NetKitMeter.Meter.CreateObservableCounter(
        "netkit.kv.keyspace.hits", () => Sum(static d => d.KeyspaceHits), "{lookup}", "kv key lookups that found the key");

    public static readonly ObservableCounter<long> KeyspaceMisses = NetKitMeter.Meter.CreateObservableCounter(
        "netkit.kv.keyspace.misses", () => Sum(static d => d.KeyspaceMisses), "{lookup}", "kv key lookups that found nothing");

    public static readonly ObservableGauge<long> Keys = NetKitMeter.Meter.CreateObservableGauge(
        "netkit.kv.keys", () => Sum(static d => d.Store.Count), "{key}", "kv keys stored now");

    public static readonly ObservableCounter<long> ExpiredKeys = NetKitMeter.Meter.CreateObservableCounter(
        "netkit.kv.keys.expired", () => Sum(static d => d.Store.ExpiredKeys), "{key}", "kv keys removed because their time ran out");

    /// <summary>
    /// Includes <paramref name="database"/> in the hits, misses, keys and expired totals. Held weakly, so a
    /// database that is dropped stops counting without being removed; tracking one twice has no effect.
    /// </summary>
    public static void Track(KeyValueDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        lock (Gate)
        {
            Databases.RemoveAll(static r => !r.TryGetTarget(out _));
            if (!Databases.Exists(r => r.TryGetTarget(out var d) && ReferenceEquals(d, database)))
            {
                Databases.Add(new WeakReference<KeyValueDatabase>(database));
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveCommands()
    {
        var totals = new SessionCounters();
        lock (Gate)
        {
            foreach (var reference in Databases)
            {
                if (reference.TryGetTarget(out var database))
                {
                    database.SumCounters().AddTo(totals);
                }
            }
        }

        var measurements = new List<Measurement<long>>();
        foreach (var spec in CommandTable.Default.All)
        {
            long calls = totals.Calls(spec.Index);
            if (calls > 0)
            {
                measurements.Add(new Measurement<long>(calls, ServiceTag, new KeyValuePair<string, object?>("command", spec.Name)));
            }
        }

        return measurements;
    }

    private static Measurement<long> Sum(Func<KeyValueDatabase, long> read) => new(Total(read), ServiceTag);

    private static long Total(Func<KeyValueDatabase, long> read)
    {
        long total = 0;
        lock (Gate)
        {
            foreach (var reference in Databases)
            {
                if (reference.TryGetTarget(out var database))
                {
                    total += read(database);
                }
            }
        }

        return total;
    }
}
