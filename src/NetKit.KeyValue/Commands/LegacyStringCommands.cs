namespace NetKit.KeyValue;

/// <summary>GETSET and SUBSTR: older spellings Redis keeps (SET ... GET, GETRANGE) and so does kv, for the
/// clients and scripts that still send them.</summary>
internal static class LegacyStringCommands
{
    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("getset", 3, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, GetSet, "string",
            "Returns the previous string value of a key after setting it to a new value.", 1, 1, 1));
        table.Add(new CommandSpec("substr", 4, CommandFlags.ReadOnly, StringCommands.GetRange, "string",
            "Returns a substring from a string value.", 1, 1, 1));
    }

    private static void GetSet(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            bool exists = store.TryGet(context[1], out byte[] old);
            context.CountLookup(exists);
            // As Redis's setKey: the new value has no TTL.
            store.SetLocked(context[1], context[2], expiresAtMs: 0);
            store.Notify(KeyspaceEventClass.String, "set"u8, context[1]);
            StringCommands.BulkOrNull(context.Reply, exists, old);
        }
    }
}
