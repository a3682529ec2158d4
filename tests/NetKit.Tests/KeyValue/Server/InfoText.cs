namespace NetKit.Tests.KeyValue.Server;

/// <summary>INFO's text parsed by Redis's layout rules; asserts the layout while parsing.</summary>
public static class InfoText
{
    /// <summary>Section name (as in its header, e.g. "Server") → its key:value fields.</summary>
    public static Dictionary<string, Dictionary<string, string>> Parse(string text)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        Dictionary<string, string>? current = null;
        string[] lines = text[..^2].Split("\r\n");
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            Assert.DoesNotContain('\n', line);
            if (line.Length == 0)
            {
                // A blank line only ever separates sections.
                Assert.True(i + 1 < lines.Length && lines[i + 1].StartsWith("# ", StringComparison.Ordinal), $"stray blank line at {i}");
                continue;
            }

            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                Assert.True(i == 0 || lines[i - 1].Length == 0, $"section header without a blank line before it: {line}");
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                sections.Add(line[2..], current);
                continue;
            }

            Assert.NotNull(current);
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"not key:value: {line}");
            current.Add(line[..colon], line[(colon + 1)..]);
        }

        return sections;
    }
}
