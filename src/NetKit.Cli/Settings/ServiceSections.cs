using NetKit.Hosting;

namespace NetKit.Cli.Settings;

/// <summary>
/// The configuration's top-level sections: one per service, named so a <c>NETKIT_</c> variable can spell it
/// (<c>NETKIT_UDPECHO__BIND</c>: a variable name cannot hold the dash of udp-echo), plus <c>Serve</c> for
/// <c>netkit serve</c>, <c>Logging</c> for the logger and <c>Metrics</c> for the metrics export.
/// </summary>
public static class ServiceSections
{
    public const string Serve = "Serve";

    public const string Logging = "Logging";

    /// <summary>The metrics export, <c>Metrics:Bind</c> (<c>--metrics-bind</c>).</summary>
    public const string Metrics = "Metrics";

    /// <summary><c>udp-echo</c> → <c>UdpEcho</c>, <c>kv</c> → <c>Kv</c>.</summary>
    public static string For(ServiceDefinition service) => Setting<int>.KeyFor(service.Name);

    public static IEnumerable<string> All(IEnumerable<ServiceDefinition> services) =>
        services.Select(For).Append(Serve).Append(Logging).Append(Metrics);
}
