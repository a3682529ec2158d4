using System.Numerics;

namespace NetKit.KeyValue;

/// <summary>Commands on a string's bits: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, as Redis 7.0 has them (bit 0
/// is the most significant bit of the first byte; ranges in bytes, or in bits with BIT).</summary>
internal static class BitCommands
{
    public static void Register(CommandTable table)
    {
        const CommandFlags Write = CommandFlags.Write | CommandFlags.DenyOom;
        table.Add(new CommandSpec("setbit", 4, Write, SetBit, "bitmap",
            "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("getbit", 3, CommandFlags.ReadOnly | CommandFlags.Fast, GetBit, "bitmap",
            "Returns a bit value by offset.", 1, 1, 1));
        table.Add(new CommandSpec("bitcount", -2, CommandFlags.ReadOnly, BitCount, "bitmap",
            "Counts the number of set bits (population counting) in a string.", 1, 1, 1));
        table.Add(new CommandSpec("bitpos", -3, CommandFlags.ReadOnly, BitPos, "bitmap",
            "Finds the first set (1) or clear (0) bit in a string.", 1, 1, 1));
        // MayBlock: its work grows with the strings' lengths (up to proto-max-bulk-len each).
        table.Add(new CommandSpec("bitop", -4, Write | CommandFlags.MayBlock, BitOp, "bitmap",
            "Performs bitwise operations on multiple strings, and stores the result.", 2, -1, 1));
    }

    private static bool TryOffset(ref CommandContext context, int index, out long offset)
    {
        // Redis bounds the offset by proto-max-bulk-len: the string it grows to must be storable.
        if (!CommandContext.TryParseInteger(context[index], out offset) || offset < 0 || (offset >> 3) >= context.Database.Options.MaxBulkLength)
        {
            context.Reply.Error("ERR bit offset is not an integer or out of range"u8);
            return false;
        }

        return true;
    }

    private static void SetBit(ref CommandContext context)
    {
        if (!TryOffset(ref context, 2, out long offset))
        {
            return;
        }

        if (!CommandContext.TryParseInteger(context[3], out long on) || (on & ~1L) != 0)
        {
            context.Reply.Error("ERR bit is not an integer or out of range"u8);
            return;
        }

        var store = context.Store;
        int byteIndex = (int)(offset >> 3);
        int mask = 1 << (7 - (int)(offset & 7));
        lock (store.WriteLock)
        {
            store.TryGet(context[1], out byte[] current);
            byte[] value = new byte[Math.Max(current.Length, byteIndex + 1)];
            current.CopyTo(value, 0);
            bool was = (value[byteIndex] & mask) != 0;
            value[byteIndex] = (byte)(on == 1 ? value[byteIndex] | mask : value[byteIndex] & ~mask);
            store.SetLocked(context[1], value, expiresAtMs: -1);
            store.Access.MadeAs(context[1], StringForm.Raw);
            if (current.Length <= byteIndex || was != (on == 1))
            {
                // As Redis: only a bit that changed, or a string made or grown, is an event.
                store.Notify(KeyspaceEventClass.String, "setbit"u8, context[1]);
            }

            context.Reply.Integer(was ? 1 : 0);
        }
    }

    private static void GetBit(ref CommandContext context)
    {
        if (!TryOffset(ref context, 2, out long offset))
        {
            return;
        }

        bool hit = context.Store.TryGet(context[1], out byte[] value);
        context.CountLookup(hit);
        long byteIndex = offset >> 3;
        context.Reply.Integer(byteIndex < value.Length && (value[byteIndex] & (1 << (7 - (int)(offset & 7)))) != 0 ? 1 : 0);
    }

    private static void BitCount(ref CommandContext context)
    {
        long start = 0, end = 0;
        bool isBit = false;
        if (context.Count is 4 or 5)
        {
            if (!context.TryInteger(2, out start) || !context.TryInteger(3, out end) || (context.Count == 5 && !TryUnit(ref context, 4, out isBit)))
            {
                return;
            }
        }
        else if (context.Count != 2)
        {
            context.SyntaxError();
            return;
        }

        bool hit = context.Store.TryGet(context[1], out byte[] value);
        context.CountLookup(hit);
        if (!hit)
        {
            context.Reply.Integer(0);
            return;
        }

        int firstMask = 0, lastMask = 0;
        if (context.Count == 2)
        {
            end = value.Length - 1;
        }
        else if (start < 0 && end < 0 && start > end)
        {
            // Redis's BITCOUNT (not BITPOS) takes two negative indexes the wrong way round as empty before clamping.
            end = -1;
            start = 0;
        }
        else
        {
            Normalize(value.Length, isBit, ref start, ref end, ref firstMask, ref lastMask);
        }

        if (start > end)
        {
            context.Reply.Integer(0);
            return;
        }

        long count = PopCount(value.AsSpan((int)start, (int)(end - start + 1)));
        // Bits of the first and last byte outside a BIT range were counted: take them off again.
        count -= BitOperations.PopCount((uint)(value[start] & firstMask)) + BitOperations.PopCount((uint)(value[end] & lastMask));
        context.Reply.Integer(count);
    }

    /// <summary>Redis's range rules for BITCOUNT and BITPOS: negative from the end, clamped; a BIT range becomes
    /// bytes with masks of the bits outside it in the edge bytes.</summary>
    private static void Normalize(long length, bool isBit, ref long start, ref long end, ref int firstMask, ref int lastMask)
    {
        long total = isBit ? length << 3 : length;
        if (start < 0)
        {
            start = total + start;
        }

        if (end < 0)
        {
            end = total + end;
        }

        start = Math.Max(0, start);
        end = Math.Max(0, end);
        if (end >= total)
        {
            end = total - 1;
        }

        if (isBit && start <= end)
        {
            firstMask = ~((1 << (8 - (int)(start & 7))) - 1) & 0xFF;
            lastMask = (1 << (7 - (int)(end & 7))) - 1;
            start >>= 3;
            end >>= 3;
        }
    }

    private static bool TryUnit(ref CommandContext context, int index, out bool isBit)
    {
        isBit = context.Is(index, "BIT"u8);
        if (isBit || context.Is(index, "BYTE"u8))
        {
            return true;
        }

        context.SyntaxError();
        return false;
    }

    private static void BitPos(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long bit))
        {
            return;
        }

        if (bit is not (0 or 1))
        {
            context.Reply.Error("ERR The bit argument must be 1 or 0."u8);
            return;
        }

        bool hit = context.Store.TryGet(context[1], out byte[] p);
        context.CountLookup(hit);
        if (!hit)
        {
            // A missing key is an endless run of 0 bits.
            context.Reply.Integer(bit == 1 ? -1 : 0);
            return;
        }

        long start = 0, end = 0;
        bool endGiven = false, isBit = false;
        int firstMask = 0, lastMask = 0;
        if (context.Count is >= 4 and <= 6)
        {
            if (!context.TryInteger(3, out start) || (context.Count == 6 && !TryUnit(ref context, 5, out isBit)))
            {
                return;
            }

            if (context.Count >= 5)
            {
                if (!context.TryInteger(4, out end))
                {
                    return;
                }

                endGiven = true;
            }
            else
            {
                end = isBit ? ((long)p.Length << 3) + 7 : p.Length - 1;
            }

            Normalize(p.Length, isBit, ref start, ref end, ref firstMask, ref lastMask);
        }
        else if (context.Count == 3)
        {
            end = p.Length - 1;
        }
        else
        {
            context.SyntaxError();
            return;
        }

        if (start > end)
        {
            // An empty range holds neither a 0 nor a 1.
            context.Reply.Integer(-1);
            return;
        }

        context.Reply.Integer(FindInRange(p, (int)start, (int)end, (int)bit, firstMask, lastMask, endGiven));
    }

    /// <summary>The body of Redis 7.0's bitposCommand after the range is known, edge bytes masked.</summary>
    private static long FindInRange(byte[] p, int start, int end, int bit, int firstMask, int lastMask, bool endGiven)
    {
        long bytes = end - start + 1;
        long pos;
        byte edge;
        if (firstMask != 0)
        {
            edge = (byte)(bit == 1 ? p[start] & ~firstMask : p[start] | firstMask);
            if (lastMask != 0 && bytes == 1)
            {
                edge = (byte)(bit == 1 ? edge & ~lastMask : edge | lastMask);
            }

            pos = FirstBit([edge], bit);
            if (bytes == 1 || (pos != -1 && pos != 8))
            {
                return Result(pos, start, bytes, bit, endGiven);
            }

            start++;
            bytes--;
        }

        long middle = bytes - (lastMask != 0 ? 1 : 0);
        if (middle > 0)
        {
            pos = FirstBit(p.AsSpan(start, (int)middle), bit);
            if (bytes == middle || (pos != -1 && pos != middle << 3))
            {
                return Result(pos, start, bytes, bit, endGiven);
            }

            start += (int)middle;
            bytes -= middle;
        }

        edge = (byte)(bit == 1 ? p[end] & ~lastMask : p[end] | lastMask);
        return Result(FirstBit([edge], bit), start, bytes, bit, endGiven);

        static long Result(long pos, long start, long bytes, int bit, bool endGiven)
        {
            // Looking for a 0 in an explicit range: the bit just past it is not part of the string's padding.
            if (endGiven && bit == 0 && pos == bytes << 3)
            {
                return -1;
            }

            return pos == -1 ? -1 : pos + (start << 3);
        }
    }

    /// <summary>Redis's redisBitpos: the first bit equal to <paramref name="bit"/>; none: -1 for 1, the bit past the end for 0.</summary>
    private static long FirstBit(ReadOnlySpan<byte> bytes, int bit)
    {
        int i = bit == 1 ? bytes.IndexOfAnyExcept((byte)0) : bytes.IndexOfAnyExcept((byte)0xFF);
        if (i < 0)
        {
            return bit == 1 ? -1 : (long)bytes.Length << 3;
        }

        int b = bit == 1 ? bytes[i] : (byte)~bytes[i];
        return ((long)i << 3) + BitOperations.LeadingZeroCount((uint)b) - 24;
    }

    private static long PopCount(ReadOnlySpan<byte> bytes)
    {
        long count = 0;
        while (bytes.Length >= 8)
        {
            count += BitOperations.PopCount(BitConverter.ToUInt64(bytes));
            bytes = bytes[8..];
        }

        foreach (byte b in bytes)
        {
            count += BitOperations.PopCount(b);
        }

        return count;
    }

    private static void BitOp(ref CommandContext context)
    {
        int op = context.Is(1, "AND"u8) ? 0 : context.Is(1, "OR"u8) ? 1 : context.Is(1, "XOR"u8) ? 2 : context.Is(1, "NOT"u8) ? 3 : -1;
        if (op < 0)
        {
            context.SyntaxError();
            return;
        }

        if (op == 3 && context.Count != 4)
        {
            context.Reply.Error("ERR BITOP NOT must be called with a single source key."u8);
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            var sources = new byte[context.Count - 3][];
            int length = 0;
            for (int i = 3; i < context.Count; i++)
            {
                store.TryGet(context[i], out sources[i - 3]);
                length = Math.Max(length, sources[i - 3].Length);
            }

            if (length == 0)
            {
                // As Redis: an empty result deletes the destination.
                if (store.RemoveLocked(context[2]))
                {
                    store.Notify(KeyspaceEventClass.Generic, "del"u8, context[2]);
                }

                context.Reply.Integer(0);
                return;
            }

            var result = new byte[length];
            sources[0].CopyTo(result, 0);
            if (op == 3)
            {
                for (int j = 0; j < length; j++)
                {
                    result[j] = (byte)~result[j];
                }
            }

            for (int k = 1; k < sources.Length; k++)
            {
                byte[] source = sources[k];
                for (int j = 0; j < length; j++)
                {
                    // A shorter string is padded with zero bytes.
                    byte b = j < source.Length ? source[j] : (byte)0;
                    result[j] = op switch { 0 => (byte)(result[j] & b), 1 => (byte)(result[j] | b), _ => (byte)(result[j] ^ b) };
                }
            }

            store.SetLocked(context[2], result, expiresAtMs: 0);
            store.Access.MadeAs(context[2], StringForm.Raw);
            store.Notify(KeyspaceEventClass.String, "set"u8, context[2]);
            context.Reply.Integer(length);
        }
    }
}
