using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// The kv server's commands, keyed by their names' bytes (case-insensitive) so a request's name is looked up
/// as it arrived, without decoding or allocating. The table holds only what never changes; what each command
/// has been called is counted per connection (<see cref="SessionCounters"/>), by <see cref="CommandSpec.Index"/>.
/// </summary>
internal sealed class CommandTable
{
    private const int MaxNameLength = 32;
    private readonly Dictionary<byte[], CommandSpec> _byName = new(CommandNameComparer.Instance);
    private readonly Dictionary<byte[], CommandSpec>.AlternateLookup<ReadOnlySpan<byte>> _byBytes;
    private readonly List<CommandSpec> _inOrder = [];

    private CommandTable()
    {
        _byBytes = _byName.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Every command NetKit's kv server has.</summary>
    public static CommandTable Default { get; } = Create();

    /// <summary>In the order they were registered; <see cref="CommandSpec.Index"/> is the position.</summary>
    public IReadOnlyList<CommandSpec> All => _inOrder;

    public int Count => _inOrder.Count;

    public void Add(CommandSpec spec)
    {
        _byName.Add(spec.NameBytes, spec);
        spec.Index = _inOrder.Count;
        _inOrder.Add(spec);
    }

    public bool TryGet(ReadOnlySpan<byte> name, out CommandSpec spec)
    {
        spec = null!;
        return name.Length is > 0 and <= MaxNameLength && _byBytes.TryGetValue(name, out spec!);
    }

    public bool TryGet(string name, out CommandSpec spec)
    {
        spec = null!;
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxNameLength * 3];
        return TryGet(bytes[..Encoding.UTF8.GetBytes(name, bytes)], out spec);
    }

    private static CommandTable Create()
    {
        var table = new CommandTable();
        ConnectionCommands.Register(table);
        StringCommands.Register(table);
        KeyCommands.Register(table);
        ServerCommands.Register(table);
        BitCommands.Register(table);
        LcsCommand.Register(table);
        LegacyStringCommands.Register(table);
        KeyAccessCommands.Register(table);
        ObjectCommands.Register(table);
        OperationsCommands.Register(table);
        DatabaseCommands.Register(table);
        HashCommands.Register(table);
        SetCommands.Register(table);
        SortedSetCommands.Register(table);
        BlockingSortedSetCommands.Register(table);
        ListCommands.Register(table);
        SortCommand.Register(table);
        FunctionCommands.Register(table);
        DumpCommands.Register(table);
        TransactionCommands.Register(table);
        PubSubCommands.Register(table);
        MonitorCommand.Register(table);
        ResetCommand.Register(table);
        SaveCommands.Register(table);
        return table;
    }
}
