using NetKit.Configuration;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;

namespace NetKit.Cli.Settings;

/// <summary>kv's durability, limit and access settings (<c>Kv:DataDir</c>, <c>NETKIT_KV__FSYNC</c>, ...).</summary>
public static class KvSettings
{
    /// <summary>Beyond this a bulk string could not be buffered whole (the transport indexes with int).</summary>
    private const long MaxBulkLengthLimit = 1L << 30;

    public static readonly Setting<string> DataDir = new("--data-dir",
        "Keep an append-only log of every write in this directory, and load it on start (without it, data is in memory only)",
        "dir", null, SettingParsers.NonEmpty("a directory"));

    public static readonly Setting<bool> InMemory = new("--in-memory",
        "Keep the data in memory only (lost when the server stops)", null, "false", SettingParsers.Flag, isFlag: true);

    public static readonly Setting<FsyncPolicy> Fsync = new("--fsync",
        "When the log is forced to disk: always (before each reply), everysec (once a second), no (when the OS decides)",
        "always|everysec|no", FsyncPolicyNames.EverySecond, SettingParsers.Fsync,
        choices: ["always", "everysec", "no"]);

    public static readonly Setting<bool> RepairLog = new("--repair-log",
        "If the append-only log is damaged before its end, truncate it there (losing what follows) instead of refusing to start",
        null, "false", SettingParsers.Flag, isFlag: true);

    public static readonly Setting<string> RequirePass = new("--requirepass",
        "Clients must AUTH with this password first (visible in ps; see --requirepass-file)",
        // Any text, even none: an empty one gets a clearer refusal where the password is read.
        "password", null, SettingParsers.Any, key: "RequirePass", keepSpaces: true);

    public static readonly Setting<string> RequirePassFile = new("--requirepass-file",
        "Like --requirepass, the password being the first line of this file (kept out of the process list)",
        "file", null, SettingParsers.NonEmpty("a file"), key: "RequirePassFile", keepSpaces: true);

    public static readonly Setting<long> MaxMemory = new("--maxmemory",
        "Bytes of keys and values beyond which writes get -OOM (suffixes as Redis: 100mb, 1gb; 0 = no limit)",
        "bytes", "0", SettingParsers.Bytes(0, long.MaxValue), key: "MaxMemory");

    public static readonly Setting<long> ProtoMaxBulkLen = new("--proto-max-bulk-len",
        "The longest key or value a RESP request may carry (suffixes as --maxmemory)",
        "bytes", ByteSize.Format(new KeyValueServerOptions().MaxBulkLength), SettingParsers.Bytes(1, MaxBulkLengthLimit));

    public static readonly Setting<string> InlineReplies = new("--inline-replies",
        "How inline commands are answered: text (the seed's protocol, until a connection sends RESP; then RESP, as Redis) or resp (Redis's replies from the first byte, for redis-cli --pipe and nc health checks)",
        "text|resp", "text", SettingParsers.InlineReplies, choices: ["text", "resp"]);

    public static readonly Setting<int> Databases = new("--databases",
        "How many databases SELECT can choose from, as Redis's databases setting",
        "count", KeyValueStore.DefaultDatabases.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Redis caps nothing here, but every database costs a dictionary pair: a bound keeps a typo cheap.
        SettingParsers.IntRange(1, 1024, "a count"));

    public static readonly Setting<string> NotifyKeyspaceEvents = new("--notify-keyspace-events",
        "Publish keyspace notifications of these classes, as Redis's notify-keyspace-events (KEA: every event; Ex: expiries only; empty: none)",
        "classes", null, SettingParsers.KeyspaceEvents);

    public static readonly Setting<string> RedisConf = new("--redis-conf",
        "Read the redis.conf directives kv implements (port, bind, requirepass, maxmemory, appendonly, appendfsync, dir, ...) from this file; other settings win over it",
        "file", null, SettingParsers.NonEmpty("a file"));

    public static readonly Setting<int> TlsPort = new("--tls-port",
        "Serve TLS on this port of the --bind host too, beside the plain port, as Redis's tls-port (0 picks a free one); " +
        "needs --tls-cert and --tls-key. Without it, --tls-cert makes the one port TLS",
        "port", null, SettingParsers.IntRange(0, 65535, "a port"));

    /// <summary>Every kv setting (beyond the TCP ones), in the order help lists them.</summary>
    public static IReadOnlyList<ISetting> All { get; } =
        [InMemory, DataDir, Fsync, RepairLog, RequirePass, RequirePassFile, MaxMemory, ProtoMaxBulkLen, InlineReplies, Databases, NotifyKeyspaceEvents, TlsPort, RedisConf];
}
