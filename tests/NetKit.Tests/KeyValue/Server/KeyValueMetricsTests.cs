using System.Diagnostics.Metrics;
using NetKit.KeyValue;
using NetKit.Transport;

namespace NetKit.Tests.KeyValue.Server;

public class KeyValueMetricsTests
{
    [Fact]
    public void InstrumentsReadTheServersCounters()
    {
        var database = new KeyValueDatabase();
        KeyValueMetrics.Track(database);
        KeyValueMetrics.Track(database); // twice: still counted once
        using var session = new RespSession(database);
        session.Call("SET", "metrics-k", "v");
        session.Call("GET", "metrics-k");
        session.Call("GET", "metrics-missing");

        var values = new Dictionary<string, long>();
        var commands = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NetKitMetrics.MeterName && instrument.Name.StartsWith("netkit.kv.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "netkit.kv.commands")
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "command")
                    {
                        commands[(string)tag.Value!] = value;
                    }
                }
            }
            else
            {
                values[instrument.Name] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        // Other tests' databases may be tracked too, and command counts are process-wide: at least ours.
        Assert.True(values["netkit.kv.keyspace.hits"] >= 1);
        Assert.True(values["netkit.kv.keyspace.misses"] >= 1);
        Assert.True(values["netkit.kv.keys"] >= 1);
        Assert.True(values.ContainsKey("netkit.kv.keys.expired"));
        Assert.True(commands["get"] >= 2);
        Assert.True(commands["set"] >= 1);
        GC.KeepAlive(database);
    }
}
