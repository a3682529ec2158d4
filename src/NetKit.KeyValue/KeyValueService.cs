using NetKit.Hosting;

namespace NetKit.KeyValue;

/// <summary>The kv service as <c>netkit</c> lists it beside the others: its name, transport and default port.</summary>
public static class KeyValueService
{
    public static readonly ServiceDefinition Definition =
        new("kv", "tcp", KeyValueServerOptions.DefaultPort, "SET/GET key-value store shared by all clients");
}
