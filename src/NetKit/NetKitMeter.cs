using System.Diagnostics.Metrics;

namespace NetKit;

/// <summary>
/// The one <c>NetKit</c> meter every layer's instruments hang from (watch it with
/// <c>dotnet-counters monitor -p PID --counters NetKit</c>), so the transport and the services share a
/// meter without one knowing the other.
/// </summary>
public static class NetKitMeter
{
    public const string Name = "NetKit";

    public static readonly Meter Meter = new(Name, "1.0");
}
