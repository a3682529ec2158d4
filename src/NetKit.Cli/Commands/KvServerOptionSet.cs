using System.CommandLine;
using NetKit.Cli.Settings;
using NetKit.KeyValue;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// kv's durability, limit and access options (<see cref="KvSettings"/>), shared by <c>netkit kv serve</c> and
/// <c>netkit serve</c> so both spell and check them the same way. Only <c>netkit serve</c> is durable by default
/// (in the user's data folder) and has <c>--in-memory</c> to opt out; <c>netkit kv serve</c> is durable with
/// <c>--data-dir</c>. Options that contradict each other on the command line are a usage error; across sources
/// (the file says <c>DataDir</c>, the command line <c>--in-memory</c>) the stronger source wins.
/// </summary>
public sealed class KvServerOptionSet
{
    private readonly bool _durableByDefault;
    private readonly List<(ISetting Setting, Option Option)> _options = [];
    private readonly Option<bool> _inMemory;
    private readonly Option<string> _dataDirectory;
    private readonly Option<string> _fsync;
    private readonly Option<bool> _repairLog;
    private readonly Option<string> _requirePass;
    private readonly Option<string> _requirePassFile;

    /// <param name="durableByDefault"><c>netkit serve</c>: the log is on unless <c>--in-memory</c>, in
    /// <see cref="DefaultDataDirectory"/> unless <c>--data-dir</c>.</param>
    public KvServerOptionSet(bool durableByDefault)
    {
        _durableByDefault = durableByDefault;
        foreach (var setting in KvSettings.All)
        {
            // netkit serve lists them among every service's options: there they say whose they are.
            string? description = setting == KvSettings.DataDir && durableByDefault
                ? $"[kv] The directory of the append-only log [default: {DefaultDataDirectory()}]"
                : durableByDefault ? "[kv] " + setting.Description : null;
            _options.Add((setting, setting.CreateOption(description)));
        }

        _inMemory = OptionOf<bool>(KvSettings.InMemory);
        _dataDirectory = OptionOf<string>(KvSettings.DataDir);
        _fsync = OptionOf<string>(KvSettings.Fsync);
        _repairLog = OptionOf<bool>(KvSettings.RepairLog);
        _requirePass = OptionOf<string>(KvSettings.RequirePass);
        _requirePassFile = OptionOf<string>(KvSettings.RequirePassFile);
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
        foreach (var (setting, option) in _options)
        {
            // netkit kv serve is in memory unless told otherwise: --in-memory would say nothing there.
            if (setting != KvSettings.InMemory || _durableByDefault)
            {
                command.Options.Add(option);
            }
        }

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
                && fsync.Tokens.Count == 1 && KvSettings.Fsync.TryParse(fsync.Tokens[0].Value, out _, out _);
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

    /// <summary>The given options under <c>Kv</c>.</summary>
    public void AddToLayer(ParseResult result, CommandLineLayer layer, string section)
    {
        foreach (var (setting, option) in _options)
        {
            layer.Add(result, setting, option, section);
        }
    }

    /// <summary>
    /// The kv settings the sources ask for, beyond those every TCP server has. Reads the password file, so it runs
    /// when the command does, not when it is parsed.
    /// </summary>
    /// <exception cref="CliException">A bad value, an empty password, or a password file that cannot be read.</exception>
    public KeyValueServerOptions Read(SettingsReader reader)
    {
        string? directory = Stronger(reader, KvSettings.DataDir, KvSettings.InMemory, out bool inMemory) ? reader.Get(KvSettings.DataDir) : null;
        if (directory is null && _durableByDefault && !inMemory)
        {
            directory = DefaultDataDirectory();
        }

        if (directory is not null)
        {
            directory = Path.GetFullPath(directory);
        }

        string? password = Stronger(reader, KvSettings.RequirePassFile, KvSettings.RequirePass, out _)
            ? ReadPasswordFile(reader.Get(KvSettings.RequirePassFile), reader.NameOf(KvSettings.RequirePassFile))
            : reader.TryGet(KvSettings.RequirePass, out string given) ? given : null;
        if (password is { Length: 0 })
        {
            // Redis reads an empty requirepass as "no password"; silently running open is the worse surprise.
            throw CliException.Usage("the password is empty: give a non-empty one, or none to run without a password");
        }

        return new KeyValueServerOptions
        {
            MaxMemory = reader.Get(KvSettings.MaxMemory),
            MaxBulkLength = reader.Get(KvSettings.ProtoMaxBulkLen),
            Databases = reader.Get(KvSettings.Databases),
            TlsPort = reader.TryGet(KvSettings.TlsPort, out int tlsPort) ? tlsPort : null,
            RequirePass = password,
            DataDirectory = directory,
            Fsync = reader.Get(KvSettings.Fsync),
            RepairLog = reader.Get(KvSettings.RepairLog),
            InlineReplies = reader.Get(KvSettings.InlineReplies) == "resp" ? InlineReplyMode.Resp : InlineReplyMode.Text,
            NotifyKeyspaceEvents = reader.TryGet(KvSettings.NotifyKeyspaceEvents, out string events) ? events : "",
        };
    }

    /// <summary>
    /// Whether <paramref name="first"/> is set and wins over <paramref name="second"/> (a switch that is on, or a
    /// value): the stronger source decides; the same source giving both is a contradiction.
    /// </summary>
    private static bool Stronger(SettingsReader reader, ISetting first, ISetting second, out bool secondOn)
    {
        int firstSource = reader.SourceOf(first);
        int secondSource = reader.SourceOf(second);
        secondOn = secondSource >= 0 && (second is not Setting<bool> flag || reader.Get(flag));
        if (firstSource < 0)
        {
            return false;
        }

        if (!secondOn)
        {
            return true;
        }

        if (firstSource == secondSource)
        {
            throw CliException.Usage($"{reader.NameOf(first)} and {reader.NameOf(second)} contradict each other: give one");
        }

        bool firstWins = firstSource > secondSource;
        secondOn = !firstWins;
        return firstWins;
    }

    private static string ReadPasswordFile(string path, string name)
    {
        string text;
        try
        {
            using var reader = new StreamReader(path);
            text = reader.ReadLine() ?? string.Empty;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliException(ExitCodes.PermissionDenied, $"cannot read {name} {path}: permission denied", ex);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or NotSupportedException)
        {
            string why = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message;
            throw new CliException(ExitCodes.Failure, $"cannot read {name} {path}: {why}", ex);
        }

        // ReadLine already dropped the line break; a \r left by an editor on Windows is not part of it either.
        text = text.TrimEnd('\r');
        if (text.Length == 0)
        {
            throw CliException.Usage($"{name} {path}: the first line is empty, so there is no password");
        }

        return text;
    }

    private Option<T> OptionOf<T>(ISetting setting) => (Option<T>)_options.First(o => o.Setting == setting).Option;
}
