using System.Text;

namespace NetKit.KeyValue;

/// <summary>Redis's replies shared by container commands (OBJECT, MEMORY, SLOWLOG, LATENCY...): HELP, and the
/// error for a subcommand it has called with the wrong arguments or one it does not have.</summary>
internal static class Subcommands
{
    /// <summary>HELP: <paramref name="lines"/> as status replies, after Redis's header line.</summary>
    public static void Help(ReplyWriter reply, string command, string[] lines)
    {
        reply.ArrayHeader(lines.Length + 3);
        reply.Simple(Encoding.UTF8.GetBytes($"{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
        foreach (string line in lines)
        {
            reply.Simple(Encoding.UTF8.GetBytes(line));
        }

        reply.Simple("HELP"u8);
        reply.Simple("    Prints this help."u8);
    }

    /// <summary>Writes Redis's error for argument 1 of a <paramref name="command"/> that has <paramref name="subcommands"/>.</summary>
    public static void UnknownOrWrongArity(ref CommandContext context, string command, string[] subcommands)
    {
        string given = context.ArgString(1);
        foreach (string name in subcommands)
        {
            if (string.Equals(name, given, StringComparison.OrdinalIgnoreCase))
            {
                context.Reply.Error($"ERR wrong number of arguments for '{command.ToLowerInvariant()}|{name.ToLowerInvariant()}' command");
                return;
            }
        }

        context.Reply.Error($"ERR unknown subcommand '{(given.Length > 128 ? given[..128] : given)}'. Try {command.ToUpperInvariant()} HELP.");
    }
}
