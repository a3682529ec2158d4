using System.Globalization;
using NetKit.KeyValue.Persistence;
using NetKit.Connections;

namespace NetKit.KeyValue;

/// <summary>
/// CONFIG SET name value [name value ...] for the settings that can change while kv runs, with Redis 7.0's
/// checks and errors; every pair is checked before any is applied, so a failing call changes nothing.
/// The other settings CONFIG GET shows are fixed at start and refused as Redis refuses an immutable one.
/// </summary>
internal static class ConfigSetter
{
    private static readonly string[] Mutable =
    [
        "maxmemory", "maxmemory-policy", "requirepass", "timeout", "slowlog-log-slower-than", "slowlog-max-len", "appendfsync",
        "hash-max-listpack-entries", "hash-max-listpack-value", "hash-max-ziplist-entries", "hash-max-ziplist-value", "client-output-buffer-limit",
        "notify-keyspace-events",
        "set-max-intset-entries", "save",
        "zset-max-listpack-entries", "zset-max-listpack-value", "zset-max-ziplist-entries", "zset-max-ziplist-value",
        "list-max-listpack-size", "list-max-ziplist-size", "list-compress-depth",
    ];

    /// <param name="known">Every setting CONFIG GET reports, so a known immutable one gets its own error.</param>
    public static void Set(ref CommandContext context, IEnumerable<string> known)
    {
        var reply = context.Reply;
        if (context.Count < 4 || context.Count % 2 != 0)
        {
            reply.Error("ERR wrong number of arguments for 'config|set' command"u8);
            return;
        }

        var database = context.Database;
        var changes = new List<Action<RuntimeSettings>>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 2; i < context.Count; i += 2)
        {
            string name = context.ArgString(i).ToLowerInvariant();
            string value = context.ArgString(i + 1);
            if (!Mutable.Contains(name))
            {
                reply.Error(known.Contains(name, StringComparer.OrdinalIgnoreCase)
                    ? $"ERR CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config"
                    : $"ERR Unknown option or number of arguments for CONFIG SET - '{context.ArgString(i)}'");
                return;
            }

            if (!seen.Add(name))
            {
                reply.Error($"ERR CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter");
                return;
            }

            if (Parse(Canonical(name), value) is { } error)
            {
                reply.Error($"ERR CONFIG SET failed (possibly related to argument '{name}') - {error}");
                return;
            }

            changes.Add(settings => Apply(Canonical(name), value, settings, database));
        }

        foreach (var change in changes)
        {
            change(database.Settings);
        }

        // As Redis: a lower limit (or a policy that may now evict) is applied at once, not at the next write.
        MemoryEviction.EvictToFit(database);

        reply.Ok();
    }

    /// <returns>Redis's reason the value is refused, or null.</returns>
    private static string? Parse(string name, string value) => name switch
    {
        "maxmemory" => TryMemory(value, out _) ? null : "argument must be a memory value",
        "maxmemory-policy" => RuntimeSettings.Policies.Contains(value, StringComparer.OrdinalIgnoreCase) ? null
            : "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
        "timeout" => Range(value, 0, int.MaxValue),
        "slowlog-log-slower-than" => Range(value, -1, long.MaxValue),
        "slowlog-max-len" => Range(value, 0, long.MaxValue),
        "requirepass" => null,
        "appendfsync" => FsyncPolicyNames.TryParse(value.ToLowerInvariant(), out _) ? null
            : "argument(s) must be one of the following: everysec, always, no",
        "hash-max-listpack-entries" => Range(value, 0, long.MaxValue),
        "set-max-intset-entries" => Range(value, 0, long.MaxValue),
        // kv takes no RDB snapshots: "no save points" is what it already does, any other is refused.
        "save" => string.IsNullOrWhiteSpace(value) ? null : "kv takes no RDB snapshots (its persistence is the append-only log)",
        "hash-max-listpack-value" => TryMemory(value, out _) ? null : "argument must be a memory value",
        "zset-max-listpack-entries" => Range(value, 0, long.MaxValue),
        "zset-max-listpack-value" => TryMemory(value, out _) ? null : "argument must be a memory value",
        "list-max-listpack-size" => Range(value, int.MinValue, int.MaxValue),
        "list-compress-depth" => Range(value, 0, int.MaxValue),
        "client-output-buffer-limit" => ClientOutputLimits.TryParse(value, ClientOutputLimits.Default, allowShortForm: false, out _, out string? error) ? null : error,
        "notify-keyspace-events" => KeyspaceEvents.TryParse(value, out _) ? null : KeyspaceEvents.InvalidFlagsError,
        _ => "unsupported",
    };

    /// <summary>Redis 7 renamed the ziplist settings; the old names still set the same thing.</summary>
    private static string Canonical(string name) => name switch
    {
        "hash-max-ziplist-entries" => "hash-max-listpack-entries",
        "hash-max-ziplist-value" => "hash-max-listpack-value",
        "zset-max-ziplist-entries" => "zset-max-listpack-entries",
        "zset-max-ziplist-value" => "zset-max-listpack-value",
        "list-max-ziplist-size" => "list-max-listpack-size",
        _ => name,
    };

    private static void Apply(string name, string value, RuntimeSettings settings, KeyValueDatabase database)
    {
        switch (name)
        {
            case "maxmemory":
                TryMemory(value, out long bytes);
                settings.MaxMemory = bytes;
                break;
            case "maxmemory-policy":
                settings.MaxMemoryPolicy = value.ToLowerInvariant();
                foreach (var store in database.Databases.All)
                {
                    store.Access.Lfu = settings.IsLfuPolicy;
                }

                break;
            case "requirepass":
                settings.RequirePass = value;
                break;
            case "timeout":
                database.IdleTimeoutSeconds = int.Parse(value, CultureInfo.InvariantCulture);
                break;
            case "slowlog-log-slower-than":
                settings.SlowlogSlowerThan = long.Parse(value, CultureInfo.InvariantCulture);
                break;
            case "appendfsync":
                settings.AppendFsync = value.ToLowerInvariant();
                if (database.Log is AppendOnlyLog log)
                {
                    log.Policy = FsyncPolicyNames.Parse(settings.AppendFsync);
                }

                break;
            case "hash-max-listpack-entries":
                lock (database.Databases.WriteLock)
                {
                    database.Databases.HashMaxListpackEntries = long.Parse(value, CultureInfo.InvariantCulture);
                }

                break;
            case "hash-max-listpack-value":
                TryMemory(value, out long longest);
                lock (database.Databases.WriteLock)
                {
                    database.Databases.HashMaxListpackValue = longest;
                }

                break;
            case "notify-keyspace-events":
                KeyspaceEvents.TryParse(value, out var events);
                database.Databases.Events.Flags = events;
                break;
            case "set-max-intset-entries":
                lock (database.Databases.WriteLock)
                {
                    database.Databases.SetMaxIntsetEntries = long.Parse(value, CultureInfo.InvariantCulture);
                }

                break;
            case "zset-max-listpack-entries":
                lock (database.Databases.WriteLock)
                {
                    database.Databases.ZsetMaxListpackEntries = long.Parse(value, CultureInfo.InvariantCulture);
                }

                break;
            case "zset-max-listpack-value":
                TryMemory(value, out long longestMember);
                lock (database.Databases.WriteLock)
                {
                    database.Databases.ZsetMaxListpackValue = longestMember;
                }

                break;
            case "list-max-listpack-size":
                database.Databases.ListMaxListpackSize = long.Parse(value, CultureInfo.InvariantCulture);
                break;
            case "save":
                break;
            case "list-compress-depth":
                database.Databases.ListCompressDepth = long.Parse(value, CultureInfo.InvariantCulture);
                break;
            case "slowlog-max-len":
                settings.SlowlogMaxLength = (int)Math.Min(int.MaxValue, long.Parse(value, CultureInfo.InvariantCulture));
                break;
            case "client-output-buffer-limit":
                // Over the limits in force: the classes not named keep theirs, as in Redis.
                ClientOutputLimits.TryParse(value, database.OutputLimits, allowShortForm: false, out var limits, out _);
                database.OutputLimits = limits;
                break;
        }
    }

    private static string? Range(string value, long min, long max)
    {
        if (!CommandContext.TryParseInteger(System.Text.Encoding.UTF8.GetBytes(value), out long number))
        {
            return "argument couldn't be parsed into an integer";
        }

        return number >= min && number <= max
            ? null
            : $"argument must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} inclusive";
    }

    /// <summary>Redis's memtoull (see <see cref="NetKit.Configuration.ByteSize"/>).</summary>
    internal static bool TryMemory(string text, out long bytes) => NetKit.Configuration.ByteSize.TryParse(text, out bytes);
}
