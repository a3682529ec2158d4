using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// Writes INFO's text exactly as Redis lays it out — <c># Section</c> headers, <c>key:value</c> lines ending
/// in CRLF, a blank line between sections — because client libraries and tools parse it by those rules.
/// </summary>
internal static class InfoBuilder
{
    /// <summary>Every section, in the order Redis prints them (whatever order they were asked in).</summary>
    private static readonly string[] Order =
        ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "commandstats", "errorstats", "cluster", "keyspace"];

    private static readonly HashSet<string> Default =
        new(["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "cluster", "keyspace"], StringComparer.Ordinal);

    /// <param name="requested">Section names as given (any case); empty means "default".</param>
    public static string Build(ClientSession session, KeyValueDatabase database, IReadOnlyList<string> requested)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        if (requested.Count == 0)
        {
            wanted.UnionWith(Default);
        }

        foreach (string name in requested)
        {
            string section = name.ToLowerInvariant();
            switch (section)
            {
                case "default":
                    wanted.UnionWith(Default);
                    break;
                case "all":
                case "everything":
                    wanted.UnionWith(Order);
                    break;
                default:
                    // An unknown section is silently empty, as in Redis.
                    wanted.Add(section);
                    break;
            }
        }

        var text = new StringBuilder(2048);
        int written = 0;
        foreach (string section in Order)
        {
            if (!wanted.Contains(section))
            {
                continue;
            }

            if (written++ > 0)
            {
                text.Append("\r\n");
            }

            var lines = new SectionWriter(text);
            switch (section)
            {
                case "server":
                    text.Append("# Server\r\n");
                    Server(lines, session, database);
                    break;
                case "clients":
                    text.Append("# Clients\r\n");
                    lines.Add("connected_clients", database.ConnectedClients);
                    lines.Add("cluster_connections", 0);
                    lines.Add("maxclients", database.Options.MaxClients);
                    lines.Add("client_recent_max_input_buffer", 0);
                    lines.Add("client_recent_max_output_buffer", 0);
                    lines.Add("blocked_clients", database.Pause.HeldCount + database.Databases.Blocking.Count);
                    lines.Add("tracking_clients", 0);
                    lines.Add("pubsub_clients", 0);
                    lines.Add("clients_in_timeout_table", 0);
                    break;
                case "memory":
                    text.Append("# Memory\r\n");
                    Memory(lines, database);
                    break;
                case "persistence":
                    text.Append("# Persistence\r\n");
                    Persistence(lines, database);
                    break;
                case "stats":
                    text.Append("# Stats\r\n");
                    lines.Add("total_connections_received", database.TotalConnections);
                    lines.Add("total_commands_processed", database.TotalCommands);
                    lines.Add("instantaneous_ops_per_sec", 0);
                    // The transport refuses connections over its limit before a session exists, so the
                    // database never sees them; they are counted in the netkit.connections.rejected metric.
                    lines.Add("rejected_connections", 0);
                    lines.Add("expired_keys", database.Databases.ExpiredKeys);
                    lines.Add("evicted_keys", database.Databases.EvictedKeys);
                    lines.Add("keyspace_hits", database.KeyspaceHits);
                    lines.Add("keyspace_misses", database.KeyspaceMisses);
                    lines.Add("pubsub_channels", database.PubSub.ChannelCount);
                    lines.Add("pubsub_patterns", database.PubSub.PatternCount);
                    lines.Add("pubsubshard_channels", database.PubSub.ShardChannelCount);
                    break;
                case "replication":
                    text.Append("# Replication\r\n");
                    lines.Add("role", "master");
                    lines.Add("connected_slaves", 0);
                    lines.Add("master_failover_state", "no-failover");
                    lines.Add("master_replid", ServerInfo.RunId);
                    lines.Add("master_replid2", new string('0', 40));
                    lines.Add("master_repl_offset", 0);
                    lines.Add("second_repl_offset", -1);
                    lines.Add("repl_backlog_active", 0);
                    break;
                case "cpu":
                    text.Append("# CPU\r\n");
                    Cpu(lines);
                    break;
                case "commandstats":
                    text.Append("# Commandstats\r\n");
                    var counters = database.SumCounters();
                    foreach (var spec in CommandTable.Default.All.OrderBy(s => s.Name, StringComparer.Ordinal))
                    {
                        long calls = counters.Calls(spec.Index);
                        if (calls > 0)
                        {
                            // Timing is not measured per command: usec fields are there for parsers, at zero.
                            lines.Add("cmdstat_" + spec.Name, $"calls={calls},usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0");
                        }
                    }

                    break;
                case "errorstats":
                    text.Append("# Errorstats\r\n");
                    break;
                case "cluster":
                    text.Append("# Cluster\r\n");
                    lines.Add("cluster_enabled", 0);
                    break;
                case "keyspace":
                    text.Append("# Keyspace\r\n");
                    for (int index = 0; index < database.DatabaseCount; index++)
                    {
                        var store = database.StoreAt(index);
                        if (store.Count > 0)
                        {
                            lines.Add($"db{index}", $"keys={store.Count},expires={store.ExpiringCount},avg_ttl=0");
                        }
                    }

                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>Bytes as Redis's bytesToHuman writes them: 512B, 1.50K, 2.00M...</summary>
    public static string HumanBytes(long bytes)
    {
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + "B";
        }

        string[] units = ["K", "M", "G", "T", "P", "E"];
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.00", CultureInfo.InvariantCulture) + units[unit];
    }

    private static void Server(SectionWriter lines, ClientSession session, KeyValueDatabase database)
    {
        long uptime = Math.Max(0, (database.Store.NowMs - database.StartedAtMs) / 1000);
        lines.Add("redis_version", ServerInfo.RedisVersion);
        lines.Add("netkit_version", ServerInfo.NetKitVersion);
        lines.Add("redis_git_sha1", "00000000");
        lines.Add("redis_git_dirty", 0);
        lines.Add("redis_build_id", "0");
        lines.Add("redis_mode", "standalone");
        lines.Add("os", $"{RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}");
        lines.Add("arch_bits", IntPtr.Size * 8);
        lines.Add("multiplexing_api", "dotnet");
        lines.Add("runtime", RuntimeInformation.FrameworkDescription);
        lines.Add("process_id", Environment.ProcessId);
        lines.Add("run_id", ServerInfo.RunId);
        // The port this client reached; 0 when the session has no socket (in-process use).
        lines.Add("tcp_port", session.LocalEndPoint is System.Net.IPEndPoint local ? local.Port : 0);
        lines.Add("server_time_usec", database.Store.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
        lines.Add("uptime_in_seconds", uptime);
        lines.Add("uptime_in_days", uptime / 86400);
        lines.Add("hz", 10);
        lines.Add("configured_hz", 10);
        lines.Add("executable", Environment.ProcessPath ?? string.Empty);
        lines.Add("config_file", string.Empty);
    }

    private static void Memory(SectionWriter lines, KeyValueDatabase database)
    {
        long used = database.Databases.UsedBytes;
        long max = database.Settings.MaxMemory;
        long rss = Environment.WorkingSet;
        lines.Add("used_memory", used);
        lines.Add("used_memory_human", HumanBytes(used));
        lines.Add("used_memory_rss", rss);
        lines.Add("used_memory_rss_human", HumanBytes(rss));
        lines.Add("used_memory_dataset", used);
        lines.Add("maxmemory", max);
        lines.Add("maxmemory_human", HumanBytes(max));
        lines.Add("maxmemory_policy", database.Settings.MaxMemoryPolicy);
        lines.Add("mem_allocator", "dotnet-gc");
    }

    private static void Persistence(SectionWriter lines, KeyValueDatabase database)
    {
        var fields = database.Log?.InfoFields().ToList() ?? [];
        bool Has(string key) => fields.Exists(f => f.Key == key);

        if (!Has("loading"))
        {
            lines.Add("loading", 0);
        }

        if (!Has("async_loading"))
        {
            lines.Add("async_loading", 0);
        }

        if (!Has("aof_enabled"))
        {
            lines.Add("aof_enabled", database.Log is null ? 0 : 1);
        }

        if (database.Log is null)
        {
            lines.Add("aof_rewrite_in_progress", 0);
            lines.Add("aof_rewrite_scheduled", 0);
            lines.Add("aof_last_bgrewrite_status", "ok");
        }

        foreach (var (key, value) in fields)
        {
            lines.Add(key, value);
        }

        // A save is a log rewrite (see SaveCommands): the rdb fields, for tools that look for them, say so.
        foreach (var (key, value) in SaveCommands.InfoFields(database))
        {
            lines.Add(key, value);
        }
    }

    private static void Cpu(SectionWriter lines)
    {
        using var process = Process.GetCurrentProcess();
        lines.Add("used_cpu_sys", process.PrivilegedProcessorTime.TotalSeconds.ToString("0.000000", CultureInfo.InvariantCulture));
        lines.Add("used_cpu_user", process.UserProcessorTime.TotalSeconds.ToString("0.000000", CultureInfo.InvariantCulture));
    }

    /// <summary>Appends <c>key:value\r\n</c> lines; values are kept free of line breaks so a line stays a line.</summary>
    private readonly struct SectionWriter(StringBuilder text)
    {
        public void Add(string key, long value) => text.Append(key).Append(':').Append(value.ToString(CultureInfo.InvariantCulture)).Append("\r\n");

        public void Add(string key, string value) =>
            text.Append(key).Append(':').Append(value.Replace('\r', ' ').Replace('\n', ' ')).Append("\r\n");
    }
}
