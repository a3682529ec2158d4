namespace NetKit.KeyValue;

/// <summary>OBJECT and MEMORY: what Redis tells about a key's value (encoding, references, idle time, access
/// frequency, an estimate of its memory), for redis-cli <c>--memkeys</c> and <c>--hotkeys</c>.</summary>
internal static class ObjectCommands
{
    /// <summary>Redis's OBJ_SHARED_INTEGERS: 0..9999 are shared objects, whose refcount reads as INT_MAX.</summary>
    private const long SharedIntegers = 10_000;

    private const string PolicyNote =
        "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

    private static readonly string[] ObjectHelp =
    [
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
    ];

    private static readonly string[] MemoryHelp =
    [
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
    ];

    public static void Register(CommandTable table)
    {
        table.Add(new CommandSpec("object", -2, CommandFlags.ReadOnly, Object, "generic",
            "A container for object introspection commands.", 2, 2, 1));
        table.Add(new CommandSpec("memory", -2, CommandFlags.ReadOnly, Memory, "server",
            "A container for memory diagnostics commands.", 2, 2, 1));
    }

    private static void Object(ref CommandContext context)
    {
        var reply = context.Reply;
        if (context.Count == 2 && context.Is(1, "HELP"u8))
        {
            Subcommands.Help(reply, "OBJECT", ObjectHelp);
            return;
        }

        bool known = context.Is(1, "ENCODING"u8) || context.Is(1, "REFCOUNT"u8) || context.Is(1, "IDLETIME"u8) || context.Is(1, "FREQ"u8);
        if (!known || context.Count != 3)
        {
            Subcommands.UnknownOrWrongArity(ref context, "object", ["ENCODING", "REFCOUNT", "IDLETIME", "FREQ", "HELP"]);
            return;
        }

        // Looked up without counting as an access, as Redis's LOOKUP_NOTOUCH: asking must not change the answer.
        var store = context.Store;
        bool hit = store.TryPeekValue(context[2], out object found);
        context.CountLookup(hit);
        if (!hit)
        {
            reply.Null();
            return;
        }

        // Only strings have shared integers and string encodings; other types answer from their own value.
        byte[] value = found as byte[] ?? [];
        var form = found is byte[] ? store.Access.FormOf(context[2]) : StringForm.ByContent;
        if (context.Is(1, "ENCODING"u8))
        {
            reply.Bulk(found is not byte[] ? System.Text.Encoding.ASCII.GetBytes(StoredValues.Encoding(found))
                : form == StringForm.Raw ? "raw"u8
                : (form == StringForm.NotInteger ? (value.Length <= MemoryEstimate.EmbstrLimit ? "embstr" : "raw") : MemoryEstimate.Encoding(value)) switch
                {
                    "int" => "int"u8,
                    "embstr" => "embstr"u8,
                    _ => "raw"u8,
                });
        }
        else if (context.Is(1, "REFCOUNT"u8))
        {
            bool shared = found is byte[] && form == StringForm.ByContent && value.Length <= 5 && CommandContext.TryParseInteger(value, out long number) && number is >= 0 and < SharedIntegers
                && (context.Database.Settings.MaxMemory == 0 || !context.Database.Settings.NoSharedIntegers);
            reply.Integer(shared ? int.MaxValue : 1);
        }
        else if (context.Is(1, "IDLETIME"u8))
        {
            if (store.Access.Lfu)
            {
                reply.Error("ERR An LFU maxmemory policy is selected, idle time not tracked. " + PolicyNote);
                return;
            }

            reply.Integer(store.Access.IdleSeconds(context[2], store.NowMs));
        }
        else
        {
            if (!store.Access.Lfu)
            {
                reply.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. " + PolicyNote);
                return;
            }

            reply.Integer(store.Access.Frequency(context[2], store.NowMs));
        }
    }

    private static void Memory(ref CommandContext context)
    {
        var reply = context.Reply;
        if (context.Count == 2 && context.Is(1, "HELP"u8))
        {
            Subcommands.Help(reply, "MEMORY", MemoryHelp);
            return;
        }

        if (!context.Is(1, "USAGE"u8) || context.Count < 3)
        {
            Subcommands.UnknownOrWrongArity(ref context, "memory", ["USAGE", "HELP"]);
            return;
        }

        // MEMORY USAGE key [SAMPLES count]: the options are checked before the key is looked up, as Redis does.
        for (int i = 3; i < context.Count; i++)
        {
            if (context.Is(i, "SAMPLES"u8) && i + 1 < context.Count)
            {
                if (!context.TryInteger(++i, out long samples))
                {
                    return;
                }

                if (samples < 0)
                {
                    context.SyntaxError();
                    return;
                }
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }

        if (!context.Store.TryPeekValue(context[2], out object found))
        {
            reply.Null();
            return;
        }

        // A hash: its key as a string key's, plus its fields and values with their own overhead.
        reply.Integer(found is byte[] value ? MemoryEstimate.StringKey(context[2].Length, value)
            : MemoryEstimate.StringKey(context[2].Length, []) + StoredValues.SizeOf(found));
    }
}
