using System.Text.Json.Serialization;

namespace NetKit.Cli.Commands;

/// <summary>Source-generated serialization for <c>--json</c>: no reflection, so trimming and AOT keep it working.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchJsonDocument))]
internal sealed partial class BenchJsonContext : JsonSerializerContext
{
}
