using System.Globalization;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace NetKit.Cli.Commands;

/// <summary>
/// <c>netkit bench --csv</c>: a run as one CSV row (RFC 4180 quoting), under a header. The columns are the
/// options that tell runs apart, then every field of the <c>--json</c> file's results, named as there: read
/// from the source-generated JSON metadata, so a field added to the results appears in both formats at once.
/// </summary>
internal static class BenchCsv
{
    /// <summary>The options columns, by their JSON names: enough to tell rows of several runs apart.</summary>
    private static readonly string[] OptionColumns =
        ["label", "target", "workload", "connect", "connections", "pipeline", "rate", "size", "engine"];

    private static readonly JsonPropertyInfo[] OptionProperties = OptionColumns
        .Select(name => BenchJsonContext.Default.BenchJsonOptions.Properties.Single(p => p.Name == name))
        .ToArray();

    private static readonly JsonPropertyInfo[] ResultProperties = [.. BenchJsonContext.Default.BenchJsonResults.Properties];

    public static string Header { get; } =
        string.Join(',', OptionProperties.Concat(ResultProperties).Select(p => p.Name));

    public static string Row(BenchJsonDocument document)
    {
        var row = new StringBuilder();
        foreach (var property in OptionProperties)
        {
            Append(row, property.Get!(document.Options));
        }

        foreach (var property in ResultProperties)
        {
            Append(row, property.Get!(document.Results));
        }

        return row.ToString(0, row.Length - 1);
    }

    private static void Append(StringBuilder row, object? value)
    {
        string text = value switch
        {
            null => string.Empty,
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
        if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            text = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        }

        row.Append(text).Append(',');
    }
}
