using System.Security.Cryptography;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// The settings CONFIG SET may change while the server runs (maxmemory, requirepass, maxmemory-policy,
/// the slow log's), started from <see cref="KeyValueOptions"/>. Each is one field read on the request path
/// without a lock: a change is seen by the next command of every connection, as in Redis.
/// </summary>
internal sealed class RuntimeSettings
{
    /// <summary>Redis's policy names: what eviction removes first over maxmemory (see <see cref="MemoryEviction"/>), and
    /// what is tracked (LRU or LFU).</summary>
    public static readonly string[] Policies =
        ["noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"];

    private long _maxMemory;
    private volatile string? _requirePass;
    private volatile byte[]? _passwordDigest;
    private volatile string _policy = "noeviction";
    private long _slowlogSlowerThan = 10_000;
    private int _slowlogMaxLength = 128;

    public RuntimeSettings(KeyValueOptions options)
    {
        _maxMemory = options.MaxMemory;
        RequirePass = options.RequirePass;
        AppendFsync = options.Fsync;
    }

    /// <summary>appendfsync as CONFIG GET shows it; the log, when there is one, follows CONFIG SET of it.</summary>
    public string AppendFsync { get; set; }

    public long MaxMemory
    {
        get => Volatile.Read(ref _maxMemory);
        set => Volatile.Write(ref _maxMemory, value);
    }

    /// <summary>The password, or null; kept as a digest for the comparison (see <see cref="PasswordDigest"/>).</summary>
    public string? RequirePass
    {
        get => _requirePass;
        set
        {
            // Redis reads an empty requirepass as "no password".
            string? password = string.IsNullOrEmpty(value) ? null : value;
            _passwordDigest = password is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(password));
            _requirePass = password;
        }
    }

    /// <summary>Comparing digests of equal length takes the same time whatever the guess, its length included.</summary>
    public byte[]? PasswordDigest => _passwordDigest;

    public string MaxMemoryPolicy
    {
        get => _policy;
        set => _policy = value;
    }

    public bool IsLfuPolicy => _policy.EndsWith("-lfu", StringComparison.Ordinal);

    /// <summary>Redis's MAXMEMORY_FLAG_NO_SHARED_INTEGERS: LRU and LFU policies give each value its own object.</summary>
    public bool NoSharedIntegers => _policy.EndsWith("-lfu", StringComparison.Ordinal) || _policy.EndsWith("-lru", StringComparison.Ordinal);

    /// <summary>Microseconds beyond which a command is logged; negative = never, 0 = every command.</summary>
    public long SlowlogSlowerThan
    {
        get => Volatile.Read(ref _slowlogSlowerThan);
        set => Volatile.Write(ref _slowlogSlowerThan, value);
    }

    public int SlowlogMaxLength
    {
        get => Volatile.Read(ref _slowlogMaxLength);
        set => Volatile.Write(ref _slowlogMaxLength, value);
    }
}
