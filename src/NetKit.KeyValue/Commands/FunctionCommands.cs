namespace NetKit.KeyValue;

/// <summary>
/// FUNCTION, as far as a server without a scripting engine can answer it truthfully: there are never any
/// libraries, so FLUSH has nothing to remove and LIST nothing to show. Redis's test suite and client
/// libraries call <c>FUNCTION FLUSH</c> to reset a server before their tests.
/// </summary>
internal static class FunctionCommands
{
    private static readonly string[] Help =
    [
        "LIST [LIBRARYNAME <library_name_pattern>] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
    ];

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("function", -2, CommandFlags.None, Function, "scripting",
            "A container for function commands."));
    }

    private static void Function(ref CommandContext context)
    {
        var reply = context.Reply;
        if (context.Is(1, "HELP"u8) && context.Count == 2)
        {
            Subcommands.Help(reply, "FUNCTION", Help);
        }
        else if (context.Is(1, "FLUSH"u8) && context.Count <= 3)
        {
            if (context.Count == 3 && !context.Is(2, "ASYNC"u8) && !context.Is(2, "SYNC"u8))
            {
                reply.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"u8);
                return;
            }

            reply.Ok();
        }
        else if (context.Is(1, "LIST"u8))
        {
            for (int i = 2; i < context.Count; i++)
            {
                if (context.Is(i, "WITHCODE"u8))
                {
                    continue;
                }

                if (!context.Is(i, "LIBRARYNAME"u8))
                {
                    reply.Error($"ERR Unknown argument {context.ArgString(i)}");
                    return;
                }

                if (++i == context.Count)
                {
                    reply.Error("ERR library name argument was not given"u8);
                    return;
                }
            }

            reply.ArrayHeader(0);
        }
        else
        {
            Subcommands.UnknownOrWrongArity(ref context, "function", ["FLUSH", "LIST", "HELP"]);
        }
    }
}
