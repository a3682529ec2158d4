namespace NetKit.Cli.Commands;

/// <summary>How a client prints what the server sent: after its label (<c>Server replied: hi</c>), or with
/// <c>--raw</c> the payload alone, ending in one line break, for a script to read.</summary>
public static class ClientOutput
{
    public static Task WriteAsync(string label, string payload, bool raw)
    {
        string line = raw ? payload : $"{label}{payload}";
        return line.EndsWith('\n') ? Console.Out.WriteAsync(line) : Console.Out.WriteLineAsync(line);
    }
}
