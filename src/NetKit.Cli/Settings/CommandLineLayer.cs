using System.CommandLine;
using Microsoft.Extensions.Configuration;

namespace NetKit.Cli.Settings;

/// <summary>
/// The options given on the command line, as the last (winning) configuration source: each under the key of
/// its setting in every section it applies to (<c>netkit serve --max-connections 50</c> sets it for each TCP
/// service). Remembers which option set a key, so an error can name the option.
/// </summary>
public sealed class CommandLineLayer : IConfigurationSource
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records <paramref name="option"/> under <c>SECTION:KEY</c> of each section, if the command line gave it.</summary>
    public void Add(ParseResult result, ISetting setting, Option option, params string[] sections)
    {
        if (setting.CommandLineText(result, option) is { } text)
        {
            foreach (string section in sections)
            {
                Set($"{section}:{setting.Key}", text, setting.OptionName);
            }
        }
    }

    public void Set(string key, string? value, string optionName)
    {
        _values[key] = value;
        _options[key] = optionName;
    }

    /// <summary>The option that set <paramref name="key"/>, or null.</summary>
    public string? OptionFor(string key) => _options.GetValueOrDefault(key);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(_values);

    /// <summary>A provider of its own type, so an error can tell its keys from the other sources'.</summary>
    internal sealed class Provider : ConfigurationProvider
    {
        public Provider(IDictionary<string, string?> values)
        {
            foreach (var (key, value) in values)
            {
                Data[key] = value;
            }
        }
    }
}
