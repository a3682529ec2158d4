using NetKit.Transport;

namespace NetKit.Cli.Settings;

/// <summary>One section of a <see cref="NetkitConfiguration"/> (a service's), read setting by setting.</summary>
public sealed class SettingsReader(NetkitConfiguration configuration, string section)
{
    public string Section { get; } = section;

    /// <summary>The setting's value from the strongest source that has it, else its default.</summary>
    /// <exception cref="CliException">The value does not parse; the message names it as its source spells it.</exception>
    public T Get<T>(Setting<T> setting) => TryGet(setting, out var value) ? value : setting.Default;

    /// <summary>The setting's value, if some source gave it one.</summary>
    public bool TryGet<T>(Setting<T> setting, out T value)
    {
        string key = KeyOf(setting);
        string? text = configuration.Root[key];
        if (text is null)
        {
            value = default!;
            return false;
        }

        if (setting.TryParse(text, out value, out string error))
        {
            return true;
        }

        throw Invalid(setting, text, error);
    }

    /// <summary>The refusal of a value, named as its source spells it: <c>invalid Kv:MaxMemory '12xb' in FILE: ...</c>.</summary>
    public CliException Invalid(ISetting setting, string text, string error)
    {
        var (name, where) = configuration.Describe(KeyOf(setting));
        return new CliException(ExitCodes.Usage, $"invalid {name} '{text}'{where}: {error}");
    }

    /// <summary>The text of a setting that may be a comma-separated value or a list (a JSON array).</summary>
    public string? ListText(ISetting setting)
    {
        var values = configuration.Root.GetSection(KeyOf(setting));
        return values.Value ?? (values.GetChildren().Any() ? string.Join(',', values.GetChildren().Select(c => c.Value)) : null);
    }

    /// <summary>Which source set the setting (higher wins), -1 if none: for two settings that contradict each other.</summary>
    public int SourceOf(ISetting setting) => configuration.SourceOf(KeyOf(setting));

    /// <summary>The setting's name as its source spells it, for a message about it.</summary>
    public string NameOf(ISetting setting)
    {
        var (name, where) = configuration.Describe(KeyOf(setting));
        return name + where;
    }

    private string KeyOf(ISetting setting) => $"{Section}:{setting.Key}";
}
