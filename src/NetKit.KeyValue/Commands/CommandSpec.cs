namespace NetKit.KeyValue;

/// <summary>
/// One command of the kv server: its name, arity in Redis's convention (the name counts; negative = at
/// least that many), flags, key positions (for COMMAND INFO), a one-line summary (for COMMAND DOCS) and
/// the code that runs it.
/// </summary>
internal sealed record CommandSpec(
    string Name,
    int Arity,
    CommandFlags Flags,
    CommandHandler Handler,
    string Group,
    string Summary,
    int FirstKey = 0,
    int LastKey = 0,
    int KeyStep = 0)
{
    /// <summary>The name in upper case as bytes, for metrics and error messages.</summary>
    public byte[] NameBytes { get; } = System.Text.Encoding.ASCII.GetBytes(Name);

    /// <summary>The command's position in its table, where each connection counts its calls.</summary>
    public int Index { get; internal set; } = -1;

    public bool AcceptsArgumentCount(int count) => Arity >= 0 ? count == Arity : count >= -Arity;
}
