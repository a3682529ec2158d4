using NetKit.Cli.Settings;
using NetKit.KeyValue;

namespace NetKit.Cli.Hosting;

/// <summary>
/// What a server command resolved from its settings, before anything is opened: the services in the order they
/// start, kv's own settings when kv is among them, and the configuration (for the logger's filters).
/// </summary>
public sealed record ServerPlan(IReadOnlyList<ServedService> Services, KeyValueServerOptions? KeyValue, NetkitConfiguration Configuration);
