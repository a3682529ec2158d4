using System.CommandLine;

namespace NetKit.Cli.Settings;

/// <summary>A server setting as the command line and the configuration share it: one option, one key.</summary>
public interface ISetting
{
    /// <summary>The option, as typed: <c>--max-connections</c>.</summary>
    string OptionName { get; }

    /// <summary>The key inside a service's section of the configuration: <c>MaxConnections</c> (keys ignore case).</summary>
    string Key { get; }

    /// <summary>What help says of it.</summary>
    string Description { get; }

    /// <summary>A new option for a command (help, parsing and its usage error come from the setting).</summary>
    Option CreateOption(string? description = null);

    /// <summary>What the command line gave <paramref name="option"/>, as configuration text; null when it was not given.</summary>
    string? CommandLineText(ParseResult result, Option option);
}
