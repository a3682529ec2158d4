using System.Buffers.Text;

namespace NetKit.KeyValue;

/// <summary>HSCAN's, SSCAN's and ZSCAN's <c>key cursor [MATCH pattern] [COUNT count]</c>, read one way for all
/// three, with Redis's errors replied.</summary>
internal static class CollectionScanArguments
{
    /// <param name="patternIndex">The MATCH pattern's argument, 0 when none was given.</param>
    public static bool TryParse(ref CommandContext context, out ulong cursor, out long count, out int patternIndex)
    {
        count = 10;
        patternIndex = 0;
        if (!Utf8Parser.TryParse(context[2], out cursor, out int used) || used != context[2].Length || context[2][0] == (byte)'+')
        {
            context.Reply.Error("ERR invalid cursor"u8);
            return false;
        }

        for (int i = 3; i < context.Count; i += 2)
        {
            if (i + 1 >= context.Count)
            {
                context.SyntaxError();
                return false;
            }

            if (context.Is(i, "COUNT"u8))
            {
                if (!context.TryInteger(i + 1, out count))
                {
                    return false;
                }

                if (count < 1)
                {
                    context.SyntaxError();
                    return false;
                }
            }
            else if (context.Is(i, "MATCH"u8))
            {
                patternIndex = i + 1;
            }
            else
            {
                context.SyntaxError();
                return false;
            }
        }

        return true;
    }
}
