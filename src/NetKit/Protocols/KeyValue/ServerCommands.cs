namespace NetKit.Protocols.KeyValue;

/// <summary>Commands about the server: COMMAND, CONFIG GET, INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, BGREWRITEAOF.</summary>
internal static class ServerCommands
{
    public static void Register(CommandTable table)
    {
    }
}
