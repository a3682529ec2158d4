using NetKit.Hosting;
using NetKit.KeyValue;

namespace NetKit.Cli.Commands;

/// <summary>Every service <c>netkit serve</c> runs, in the order it lists them.</summary>
public static class ServedServices
{
    public static IReadOnlyList<ServiceDefinition> All { get; } =
        [NetKitServices.Echo, NetKitServices.Lines, NetKitServices.Count, KeyValueService.Definition, NetKitServices.UdpEcho, NetKitServices.Time];
}
