namespace NetKit.KeyValue;

/// <summary>TOUCH, EXPIRETIME and PEXPIRETIME: a key's last access and its absolute expiry.</summary>
internal static class KeyAccessCommands
{
    public static void Register(CommandTable table)
    {
        const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;
        table.Add(new CommandSpec("touch", -2, ReadFast, Touch, "generic",
            "Returns the number of existing keys out of those specified after updating the time they were last accessed.", 1, -1, 1));
        table.Add(new CommandSpec("expiretime", 2, ReadFast, ExpireTime, "generic",
            "Returns the expiration time of a key as a Unix timestamp.", 1, 1, 1));
        table.Add(new CommandSpec("pexpiretime", 2, ReadFast, PExpireTime, "generic",
            "Returns the expiration time of a key as a Unix milliseconds timestamp.", 1, 1, 1));
    }

    private static void Touch(ref CommandContext context)
    {
        long found = 0;
        for (int i = 1; i < context.Count; i++)
        {
            // A lookup is the access: the store records it.
            bool hit = context.Store.TryGet(context[i], out _);
            context.CountLookup(hit);
            found += hit ? 1 : 0;
        }

        context.Reply.Integer(found);
    }

    private static void ExpireTime(ref CommandContext context) =>
        KeyCommands.ReplyExpiry(ref context, inMilliseconds: false, absolute: true);

    private static void PExpireTime(ref CommandContext context) =>
        KeyCommands.ReplyExpiry(ref context, inMilliseconds: true, absolute: true);
}
