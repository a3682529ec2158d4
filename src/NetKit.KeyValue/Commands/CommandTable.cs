using System.Text;

namespace NetKit.KeyValue;

/// <summary>The kv server's commands by name (case-insensitive), looked up from the request bytes without allocating.</summary>
internal sealed class CommandTable
{
    private const int MaxNameLength = 32;
    private readonly Dictionary<string, CommandSpec> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CommandSpec>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    private CommandTable()
    {
        _byChars = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Every command NetKit's kv server has.</summary>
    public static CommandTable Default { get; } = Create();

    public IReadOnlyCollection<CommandSpec> All => _byName.Values;

    public int Count => _byName.Count;

    public void Add(CommandSpec spec) => _byName.Add(spec.Name, spec);

    public bool TryGet(ReadOnlySpan<byte> name, out CommandSpec spec)
    {
        spec = null!;
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxNameLength];
        int n = Encoding.Latin1.GetChars(name, chars);
        return _byChars.TryGetValue(chars[..n], out spec!);
    }

    public bool TryGet(string name, out CommandSpec spec) => _byName.TryGetValue(name, out spec!);

    private static CommandTable Create()
    {
        var table = new CommandTable();
        ConnectionCommands.Register(table);
        StringCommands.Register(table);
        KeyCommands.Register(table);
        ServerCommands.Register(table);
        return table;
    }
}
