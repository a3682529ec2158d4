namespace NetKit.KeyValue;

/// <summary>LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common subsequence of two
/// strings, by Redis 7.0's dynamic programming and its walk back through the table (so ties resolve and
/// ranges come out in the same order as Redis's).</summary>
internal static class LcsCommand
{
    /// <summary>
    /// The most cells the table may have (64 Mi, 256 MiB of uint): Redis tries to allocate whatever the two
    /// lengths ask and answers the error below when it cannot; here the bound is explicit, so two large
    /// strings cannot make one command take the process's memory.
    /// </summary>
    private const long MaxCells = 64L * 1024 * 1024;

    public static void Register(CommandTable table) =>
        // MayBlock: quadratic in the strings' lengths.
        table.Add(new CommandSpec("lcs", -3, CommandFlags.ReadOnly | CommandFlags.MayBlock, Lcs, "string",
            "Finds the longest common substring.", 1, 2, 1));

    private static void Lcs(ref CommandContext context)
    {
        var store = context.Store;
        bool hitA = store.TryGet(context[1], out byte[] a);
        bool hitB = store.TryGet(context[2], out byte[] b);
        context.CountLookup(hitA);
        context.CountLookup(hitB);
        bool getLen = false, getIdx = false, withMatchLen = false;
        long minMatchLen = 0;
        for (int i = 3; i < context.Count; i++)
        {
            if (context.Is(i, "IDX"u8))
            {
                getIdx = true;
            }
            else if (context.Is(i, "LEN"u8))
            {
                getLen = true;
            }
            else if (context.Is(i, "WITHMATCHLEN"u8))
            {
                withMatchLen = true;
            }
            else if (context.Is(i, "MINMATCHLEN"u8) && i + 1 < context.Count)
            {
                if (!context.TryInteger(++i, out minMatchLen))
                {
                    return;
                }

                minMatchLen = Math.Max(0, minMatchLen);
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }

        var reply = context.Reply;
        if (getIdx && getLen)
        {
            reply.Error("ERR If you want both the length and indexes, please just use IDX."u8);
            return;
        }

        int alen = a.Length, blen = b.Length;
        if ((long)(alen + 1) * (blen + 1) > MaxCells)
        {
            reply.Error("ERR Insufficient memory, failed allocating transient memory for LCS"u8);
            return;
        }

        uint[] dp = new uint[(alen + 1) * (blen + 1)];
        int width = blen + 1;
        for (int i = 1; i <= alen; i++)
        {
            for (int j = 1; j <= blen; j++)
            {
                dp[(i * width) + j] = a[i - 1] == b[j - 1]
                    ? dp[((i - 1) * width) + j - 1] + 1
                    : Math.Max(dp[((i - 1) * width) + j], dp[(i * width) + j - 1]);
            }
        }

        uint length = dp[(alen * width) + blen];
        if (getLen)
        {
            reply.Integer(length);
            return;
        }

        byte[] result = new byte[length];
        var ranges = getIdx ? new List<(uint AStart, uint AEnd, uint BStart, uint BEnd)>() : null;
        uint idx = length;
        uint aStart = (uint)alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart == alen: no range open
        uint x = (uint)alen, y = (uint)blen;
        while (x > 0 && y > 0)
        {
            bool emit = false;
            if (a[x - 1] == b[y - 1])
            {
                result[idx - 1] = a[x - 1];
                if (aStart == alen)
                {
                    aStart = aEnd = x - 1;
                    bStart = bEnd = y - 1;
                }
                else if (aStart == x && bStart == y)
                {
                    aStart--;
                    bStart--;
                }
                else
                {
                    emit = true;
                }

                if (aStart == 0 || bStart == 0)
                {
                    emit = true;
                }

                idx--;
                x--;
                y--;
            }
            else
            {
                if (dp[((x - 1) * width) + y] > dp[(x * width) + y - 1])
                {
                    x--;
                }
                else
                {
                    y--;
                }

                emit = aStart != alen;
            }

            if (emit)
            {
                if (ranges is not null && (minMatchLen == 0 || aEnd - aStart + 1 >= minMatchLen))
                {
                    ranges.Add((aStart, aEnd, bStart, bEnd));
                }

                aStart = (uint)alen;
            }
        }

        if (ranges is null)
        {
            reply.Bulk(result);
            return;
        }

        // RESP2 has no map: Redis's {matches, len} comes as a flat array of four.
        reply.ArrayHeader(4);
        reply.Bulk("matches"u8);
        reply.ArrayHeader(ranges.Count);
        foreach (var (rangeAStart, rangeAEnd, rangeBStart, rangeBEnd) in ranges)
        {
            reply.ArrayHeader(withMatchLen ? 3 : 2);
            reply.ArrayHeader(2);
            reply.Integer(rangeAStart);
            reply.Integer(rangeAEnd);
            reply.ArrayHeader(2);
            reply.Integer(rangeBStart);
            reply.Integer(rangeBEnd);
            if (withMatchLen)
            {
                reply.Integer(rangeAEnd - rangeAStart + 1);
            }
        }

        reply.Bulk("len"u8);
        reply.Integer(length);
    }
}
