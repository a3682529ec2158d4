namespace NetKit.Protocols.KeyValue;

/// <summary>Commands on keys whatever their value: DEL, EXISTS, TYPE, RENAME, EXPIRE and TTL families, KEYS, SCAN, RANDOMKEY.</summary>
internal static class KeyCommands
{
    public static void Register(CommandTable table)
    {
    }
}
