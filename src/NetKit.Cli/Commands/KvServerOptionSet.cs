using System.CommandLine;
using System.CommandLine.Parsing;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// kv's durability, limit and access options, shared by <c>netkit kv serve</c> and <c>netkit serve</c> so
/// both spell and check them the same way. Only <c>netkit serve</c> is durable by default (in the user's
/// data folder) and has <c>--in-memory</c> to opt out; <c>netkit kv serve</c> is durable with <c>--data-dir</c>.
/// </summary>
public sealed class KvServerOptionSet
{
    /// <summary>Beyond this a bulk string could not be buffered whole (the transport indexes with int).</summary>
    private const long MaxBulkLengthLimit = 1L << 30;

    private readonly bool _durableByDefault;
    private readonly Option<string?> _dataDirectory;
    private readonly Option<string> _fsync;
    private readonly Option<bool> _repairLog = new("--repair-log")
    {
        Description = "kv: if the append-only log is damaged before its end, truncate it there (losing what follows) instead of refusing to start",
    };

    private readonly Option<bool> _inMemory = new("--in-memory")
    {
        Description = "kv: keep the data in memory only (lost when the server stops)",
    };

    private readonly Option<string?> _requirePass = new("--requirepass")
    {
        Description = "kv: clients must AUTH with this password first (visible in ps; see --requirepass-file)",
        HelpName = "password",
    };

    private readonly Option<string?> _requirePassFile = new("--requirepass-file")
    {
        Description = "kv: like --requirepass, the password being the first line of this file (kept out of the process list)",
        HelpName = "file",
    };

    private readonly Option<long> _maxMemory = ByteSizeOption("--maxmemory",
        "kv: bytes of keys and values beyond which writes get -OOM (suffixes as Redis: 100mb, 1gb; 0 = no limit)", 0, 0, long.MaxValue);

    private readonly Option<int> _databases = new("--databases")
    {
        Description = "kv: how many databases SELECT can choose from, as Redis's databases setting",
        HelpName = "count",
        DefaultValueFactory = _ => KeyValueStore.DefaultDatabases,
        Validators =
        {
            result =>
            {
                // Redis caps nothing here, but every database costs a dictionary pair: a bound keeps a typo cheap.
                if (result.GetValueOrDefault<int>() is < 1 or > 1024)
                {
                    result.AddError("--databases must be between 1 and 1024");
                }
            },
        },
    };

    private readonly Option<long> _maxBulkLength = ByteSizeOption("--proto-max-bulk-len",
        "kv: the longest key or value a RESP request may carry (suffixes as --maxmemory)",
        new KeyValueServerOptions().MaxBulkLength, 1, MaxBulkLengthLimit);

    private readonly Option<string> _inlineReplies = new("--inline-replies")
    {
        Description = "kv: how inline commands are answered: text (the seed's protocol, until a connection sends RESP; then RESP, as Redis) or resp (Redis's replies from the first byte, for redis-cli --pipe and nc health checks)",
        DefaultValueFactory = _ => "text",
        CustomParser = ParseInlineReplies,
        HelpName = "text|resp",
    };

    /// <param name="durableByDefault"><c>netkit serve</c>: the log is on unless <c>--in-memory</c>, in
    /// <see cref="DefaultDataDirectory"/> unless <c>--data-dir</c>.</param>
    public KvServerOptionSet(bool durableByDefault)
    {
        _durableByDefault = durableByDefault;
        _dataDirectory = new Option<string?>("--data-dir")
        {
            Description = durableByDefault
                ? $"kv: the directory of the append-only log [default: {DefaultDataDirectory()}]"
                : "kv: keep an append-only log of every write in this directory, and load it on start (without it, data is in memory only)",
            HelpName = "dir",
        };
        // A string, checked by the parser: help then shows the default as it is typed ("everysec").
        _fsync = new Option<string>("--fsync")
        {
            Description = "kv: when the log is forced to disk: always (before each reply), everysec (once a second), no (when the OS decides)",
            DefaultValueFactory = _ => FsyncPolicyNames.EverySecond,
            CustomParser = ParseFsync,
            HelpName = "always|everysec|no",
        };
    }

    /// <summary>Where <c>netkit serve</c> keeps kv's data: the current user's data folder (on Linux
    /// <c>~/.local/share/netkit/kv</c>, or under <c>$XDG_DATA_HOME</c>).</summary>
    public static string DefaultDataDirectory()
    {
        string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            // No home to put it in (a service account without one): the working directory is the one place
            // that is surely the user's choice.
            root = Environment.CurrentDirectory;
        }

        return Path.Combine(root, "netkit", "kv");
    }

    public void AddTo(Command command)
    {
        if (_durableByDefault)
        {
            command.Options.Add(_inMemory);
        }

        command.Options.Add(_dataDirectory);
        command.Options.Add(_fsync);
        command.Options.Add(_repairLog);
        command.Options.Add(_requirePass);
        command.Options.Add(_requirePassFile);
        command.Options.Add(_maxMemory);
        command.Options.Add(_maxBulkLength);
        command.Options.Add(_inlineReplies);
        command.Options.Add(_databases);
        if (_durableByDefault)
        {
            command.Validators.Add(result =>
            {
                if (result.GetResult(_inMemory) is { Implicit: false } && result.GetValue(_inMemory)
                    && result.GetResult(_dataDirectory) is { Implicit: false })
                {
                    result.AddError("--in-memory and --data-dir contradict each other: give one");
                }
            });
        }

        command.Validators.Add(result =>
        {
            // Log options without a log would be silently ignored: say so instead.
            bool noLog = _durableByDefault
                ? result.GetResult(_inMemory) is { Implicit: false } && result.GetValue(_inMemory)
                : result.GetResult(_dataDirectory) is null or { Implicit: true };
            // An invalid --fsync value is reported by its own parser, which says more than this would.
            bool fsyncGiven = result.GetResult(_fsync) is { Implicit: false } fsync
                && fsync.Tokens.Count == 1 && FsyncPolicyNames.TryParse(fsync.Tokens[0].Value, out _);
            if (noLog && (fsyncGiven || result.GetResult(_repairLog) is { Implicit: false }))
            {
                result.AddError(_durableByDefault
                    ? "--fsync and --repair-log apply to the append-only log, which --in-memory turns off"
                    : "--fsync and --repair-log apply to the append-only log: give --data-dir to turn it on");
            }
        });

        command.Validators.Add(result =>
        {
            if (result.GetResult(_requirePass) is { Implicit: false } && result.GetResult(_requirePassFile) is { Implicit: false })
            {
                result.AddError("--requirepass and --requirepass-file both set a password: give one");
            }
        });
    }

    /// <summary>
    /// The kv settings the options ask for. Reads the password file, so it runs when the command does, not
    /// when it is parsed.
    /// </summary>
    /// <exception cref="CliException">An empty password, or a password file that cannot be read.</exception>
    public KeyValueServerOptions ToSettings(ParseResult result)
    {
        string? directory = result.GetValue(_dataDirectory);
        if (directory is null && _durableByDefault && !result.GetValue(_inMemory))
        {
            directory = DefaultDataDirectory();
        }

        if (directory is not null)
        {
            if (directory.Trim().Length == 0)
            {
                throw CliException.Usage("invalid --data-dir '': expected a directory");
            }

            directory = Path.GetFullPath(directory);
        }

        var fsync = FsyncPolicyNames.Parse(result.GetValue(_fsync) ?? FsyncPolicyNames.EverySecond);
        string? password = result.GetValue(_requirePassFile) is { } file ? ReadPasswordFile(file) : result.GetValue(_requirePass);
        if (password is { Length: 0 })
        {
            // Redis reads an empty requirepass as "no password"; silently running open is the worse surprise.
            throw CliException.Usage("the password is empty: give a non-empty one, or none to run without a password");
        }

        // The endpoint, model and connection limits come from the server's own options (ServiceRunner).
        return new KeyValueServerOptions
        {
            MaxMemory = result.GetValue(_maxMemory),
            MaxBulkLength = result.GetValue(_maxBulkLength),
            Databases = result.GetValue(_databases),
            RequirePass = password,
            DataDirectory = directory,
            Fsync = fsync,
            RepairLog = result.GetValue(_repairLog),
            InlineReplies = result.GetValue(_inlineReplies) == "resp" ? InlineReplyMode.Resp : InlineReplyMode.Text,
        };
    }

    private static string ReadPasswordFile(string path)
    {
        string text;
        try
        {
            using var reader = new StreamReader(path);
            text = reader.ReadLine() ?? string.Empty;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliException(ExitCodes.PermissionDenied, $"cannot read --requirepass-file {path}: permission denied", ex);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or NotSupportedException)
        {
            string why = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message;
            throw new CliException(ExitCodes.Failure, $"cannot read --requirepass-file {path}: {why}", ex);
        }

        // ReadLine already dropped the line break; a \r left by an editor on Windows is not part of it either.
        text = text.TrimEnd('\r');
        if (text.Length == 0)
        {
            throw CliException.Usage($"--requirepass-file {path}: the first line is empty, so there is no password");
        }

        return text;
    }

    private static string ParseFsync(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (FsyncPolicyNames.TryParse(text, out var policy))
        {
            return policy.ToName();
        }

        result.AddError($"invalid --fsync '{text}': expected always, everysec or no");
        return FsyncPolicyNames.EverySecond;
    }

    private static string ParseInlineReplies(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (text.Equals("text", StringComparison.OrdinalIgnoreCase) || text.Equals("resp", StringComparison.OrdinalIgnoreCase))
        {
            return text.ToLowerInvariant();
        }

        result.AddError($"invalid --inline-replies '{text}': expected text or resp");
        return "text";
    }

    private static Option<long> ByteSizeOption(string name, string description, long defaultValue, long min, long max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (ByteSize.TryParse(text, out long bytes) && bytes >= min && bytes <= max)
            {
                return bytes;
            }

            string range = max == long.MaxValue ? $"from {min} up" : $"from {min} to {ByteSize.Format(max)}";
            result.AddError($"invalid {name} '{text}': expected bytes {range}, optionally with a unit (k, kb, m, mb, g, gb)");
            return defaultValue;
        },
        HelpName = "bytes",
    };
}
