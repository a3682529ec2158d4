using System.CommandLine;
using System.CommandLine.Parsing;

namespace NetKit.Cli.Settings;

/// <summary>
/// One server setting: its option (<c>--max-connections N</c>), its configuration key (<c>MaxConnections</c>,
/// the option's words run together), its default as a user would type it, and the parser every source goes
/// through. Declaring one is all it takes for the option, the configuration file and the <c>NETKIT_</c>
/// variables to know it; the option set that owns it then reads it into the server's settings.
/// </summary>
public sealed class Setting<T> : ISetting
{
    private readonly SettingParser<T> _parser;
    private readonly bool _keepSpaces;
    private readonly string[] _choices;

    /// <param name="defaultText">The default as typed (<c>512mb</c>, <c>everysec</c>), shown in help; null = none.</param>
    /// <param name="isFlag">A switch (<c>--repair-log</c>): no value on the command line, true or false in the configuration.</param>
    /// <param name="key">The configuration key when the option's words would read badly (<c>RequirePass</c>).</param>
    /// <param name="keepSpaces">Parse the text as given, not trimmed (a password may start or end with a space).</param>
    /// <param name="choices">The values there are, for shell completion.</param>
    public Setting(string optionName, string description, string? helpName, string? defaultText, SettingParser<T> parser,
        bool isFlag = false, string? key = null, bool keepSpaces = false, string[]? choices = null)
    {
        _choices = choices ?? [];
        _keepSpaces = keepSpaces;
        OptionName = optionName;
        Description = description;
        HelpName = helpName;
        DefaultText = defaultText;
        IsFlag = isFlag;
        Key = key ?? KeyFor(optionName);
        _parser = parser;
    }

    public string OptionName { get; }

    public string Key { get; }

    public string Description { get; }

    public string? HelpName { get; }

    public string? DefaultText { get; }

    public bool IsFlag { get; }

    /// <summary>The default, parsed (the type's default when there is none).</summary>
    public T Default => DefaultText is not null && _parser(DefaultText, out var value, out _) ? value : default!;

    public bool TryParse(string text, out T value, out string error) => _parser(_keepSpaces ? text : text.Trim(), out value, out error);

    public Option CreateOption(string? description = null)
    {
        if (IsFlag)
        {
            return new Option<bool>(OptionName) { Description = description ?? Description };
        }

        var option = new Option<string>(OptionName)
        {
            Description = description ?? Description,
            HelpName = HelpName,
            // A string option: help then shows the default as it is typed ("512mb", not 536870912).
            CustomParser = Parse,
        };
        if (DefaultText is not null)
        {
            option.DefaultValueFactory = _ => DefaultText;
        }

        if (_choices.Length > 0)
        {
            option.CompletionSources.Add(_choices);
        }

        return option;
    }

    public string? CommandLineText(ParseResult result, Option option)
    {
        if (result.GetResult(option) is not { Implicit: false } given)
        {
            return null;
        }

        return option is Option<bool> flag
            ? (result.GetValue(flag) ? "true" : "false")
            : string.Join(' ', given.Tokens.Select(t => t.Value));
    }

    /// <summary><c>--proto-max-bulk-len</c> → <c>ProtoMaxBulkLen</c>.</summary>
    public static string KeyFor(string optionName) =>
        string.Concat(optionName.TrimStart('-').Split('-', StringSplitOptions.RemoveEmptyEntries)
            .Select(word => char.ToUpperInvariant(word[0]) + word[1..]));

    private string Parse(ArgumentResult result)
    {
        string text = string.Join(' ', result.Tokens.Select(t => t.Value));
        if (!TryParse(text, out _, out string error))
        {
            result.AddError($"invalid {OptionName} '{text}': {error}");
        }

        return text;
    }
}
