using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using NetKit.Buffers;

namespace NetKit.KeyValue;

// A key holding another type than a string fails the store's TryGet with WrongTypeException, which the
// dispatcher answers with WRONGTYPE: the handlers below look up before they change anything.
internal static partial class StringCommands
{
    private const CommandFlags Read = CommandFlags.ReadOnly;
    private const CommandFlags ReadFast = CommandFlags.ReadOnly | CommandFlags.Fast;
    private const CommandFlags Grow = CommandFlags.Write | CommandFlags.DenyOom;
    private const CommandFlags GrowFast = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
    private const CommandFlags WriteFast = CommandFlags.Write | CommandFlags.Fast;

    /// <summary>Redis's MAX_LONG_DOUBLE_CHARS: a longer value is not parsed as a float.</summary>
    private const int MaxFloatChars = 5 * 1024;

    static partial void RegisterMore(CommandTable table)
    {
        table.Add(new CommandSpec("setnx", 3, GrowFast, SetNx, "string", "Set the string value of a key only when the key doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("setex", 4, Grow, SetEx, "string", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("psetex", 4, Grow, PSetEx, "string", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("getdel", 2, WriteFast, GetDel, "string", "Returns the string value of a key after deleting the key.", 1, 1, 1));
        table.Add(new CommandSpec("getex", -2, WriteFast, GetEx, "string", "Returns the string value of a key after setting its expiration time.", 1, 1, 1));
        table.Add(new CommandSpec("mget", -2, ReadFast, MGet, "string", "Atomically returns the string values of one or more keys.", 1, -1, 1));
        table.Add(new CommandSpec("mset", -3, Grow, MSet, "string", "Atomically creates or modifies the string values of one or more keys.", 1, -1, 2));
        table.Add(new CommandSpec("msetnx", -3, Grow, MSetNx, "string", "Atomically modifies the string values of one or more keys only when all keys don't exist.", 1, -1, 2));
        table.Add(new CommandSpec("append", 3, GrowFast, Append, "string", "Appends a string to the value of a key. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("strlen", 2, ReadFast, StrLen, "string", "Returns the length of a string value.", 1, 1, 1));
        table.Add(new CommandSpec("getrange", 4, Read, GetRange, "string", "Returns a substring of the string stored at a key.", 1, 1, 1));
        table.Add(new CommandSpec("setrange", 4, Grow, SetRange, "string", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("incr", 2, GrowFast, Incr, "string", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("decr", 2, GrowFast, Decr, "string", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("incrby", 3, GrowFast, IncrBy, "string", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("decrby", 3, GrowFast, DecrBy, "string", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", 1, 1, 1));
        table.Add(new CommandSpec("incrbyfloat", 3, GrowFast, IncrByFloat, "string", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", 1, 1, 1));
    }

    private static void SetNx(ref CommandContext context)
    {
        var store = context.Store;
        lock (store.WriteLock)
        {
            if (store.ContainsKey(context[1]))
            {
                context.Reply.Integer(0);
                return;
            }

            store.SetLocked(context[1], context[2], expiresAtMs: 0);
        }

        context.Reply.Integer(1);
    }

    private static void SetEx(ref CommandContext context) => SetWithExpiry(ref context, 1000, "ERR invalid expire time in 'setex' command"u8);

    private static void PSetEx(ref CommandContext context) => SetWithExpiry(ref context, 1, "ERR invalid expire time in 'psetex' command"u8);

    private static void SetWithExpiry(ref CommandContext context, long unitMs, ReadOnlySpan<byte> invalidExpire)
    {
        if (!context.TryInteger(2, out long amount))
        {
            return;
        }

        if (!TryRelativeExpiry(context.Store.NowMs, amount, unitMs, out long expiresAtMs))
        {
            context.Reply.Error(invalidExpire);
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            store.SetLocked(context[1], context[3], expiresAtMs);
        }

        context.Reply.Ok();
    }

    /// <summary>Now plus a positive amount of <paramref name="unitMs"/>, within the same bound SET uses.</summary>
    private static bool TryRelativeExpiry(long nowMs, long amount, long unitMs, out long expiresAtMs)
    {
        const long MaxMs = long.MaxValue / 4;
        expiresAtMs = 0;
        if (amount <= 0 || amount > (MaxMs - nowMs) / unitMs)
        {
            return false;
        }

        expiresAtMs = nowMs + (amount * unitMs);
        return true;
    }

    private static void GetDel(ref CommandContext context)
    {
        var store = context.Store;
        bool hit;
        byte[] value;
        lock (store.WriteLock)
        {
            hit = store.TryGet(context[1], out value);
            if (hit)
            {
                store.RemoveLocked(context[1]);
            }
        }

        context.CountLookup(hit);
        BulkOrNull(context.Reply, hit, value);
    }

    private static void GetEx(ref CommandContext context)
    {
        // As Redis 7.0: the options' syntax is checked before the key is looked up (a bad option is an error
        // even for a missing key), the amount only after — a missing key is nil whatever the amount.
        int expiryOption = 0;
        bool persist = false;
        for (int i = 2; i < context.Count; i++)
        {
            if (context.Is(i, "PERSIST"u8) && expiryOption == 0)
            {
                persist = true;
            }
            else if (!persist && i + 1 < context.Count && IsExpiryOption(ref context, i, expiryOption))
            {
                expiryOption = i++;
            }
            else
            {
                context.SyntaxError();
                return;
            }
        }

        var store = context.Store;
        bool hit;
        byte[] value;
        lock (store.WriteLock)
        {
            hit = store.TryGet(context[1], out value);
            if (hit)
            {
                if (expiryOption != 0)
                {
                    if (!TryExpiryArgument(ref context, expiryOption, "ERR invalid expire time in 'getex' command"u8, out long expiresAtMs))
                    {
                        context.CountLookup(hit);
                        return;
                    }

                    // An EXAT/PXAT already past deletes the key, after its value has been read.
                    store.ExpireAtLocked(context[1], expiresAtMs);
                }
                else if (persist && store.GetExpiry(context[1]) > 0)
                {
                    store.ExpireAtLocked(context[1], 0);
                }
            }
        }

        context.CountLookup(hit);
        BulkOrNull(context.Reply, hit, value);
    }

    private static void MGet(ref CommandContext context)
    {
        var store = context.Store;
        var reply = context.Reply;
        reply.ArrayHeader(context.Count - 1);
        for (int i = 1; i < context.Count; i++)
        {
            // MGET answers nil for a key of another type, as Redis does, rather than WRONGTYPE.
            bool hit = store.TryGetValue(context[i], out object found) && found is byte[];
            context.CountLookup(hit);
            BulkOrNull(reply, hit, hit ? (byte[])found : []);
        }
    }

    private static void MSet(ref CommandContext context)
    {
        if (context.Count % 2 == 0)
        {
            context.WrongArity();
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            for (int i = 1; i < context.Count; i += 2)
            {
                store.SetLocked(context[i], context[i + 1], expiresAtMs: 0);
            }
        }

        context.Reply.Ok();
    }

    private static void MSetNx(ref CommandContext context)
    {
        if (context.Count % 2 == 0)
        {
            context.WrongArity();
            return;
        }

        var store = context.Store;
        lock (store.WriteLock)
        {
            for (int i = 1; i < context.Count; i += 2)
            {
                if (store.ContainsKey(context[i]))
                {
                    context.Reply.Integer(0);
                    return;
                }
            }

            for (int i = 1; i < context.Count; i += 2)
            {
                store.SetLocked(context[i], context[i + 1], expiresAtMs: 0);
            }
        }

        context.Reply.Integer(1);
    }

    private static void Append(ref CommandContext context)
    {
        var store = context.Store;
        ReadOnlySpan<byte> suffix = context[2];
        long length;
        lock (store.WriteLock)
        {
            if (!store.TryGet(context[1], out byte[] current))
            {
                store.SetLocked(context[1], suffix, expiresAtMs: 0);
                length = suffix.Length;
            }
            else
            {
                length = (long)current.Length + suffix.Length;
                if (length > MaxStringLength(ref context))
                {
                    context.Reply.Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"u8);
                    return;
                }

                StoreSpliced(store, context[1], current, current.Length, suffix, (int)length);
            }
        }

        context.Reply.Integer(length);
    }

    private static void StrLen(ref CommandContext context)
    {
        bool hit = context.Store.TryGet(context[1], out byte[] value);
        context.CountLookup(hit);
        context.Reply.Integer(value.Length);
    }

    internal static void GetRange(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long start) || !context.TryInteger(3, out long end))
        {
            return;
        }

        bool hit = context.Store.TryGet(context[1], out byte[] value);
        context.CountLookup(hit);
        long length = value.Length;
        if (start < 0 && end < 0 && start > end)
        {
            context.Reply.Bulk(ReadOnlySpan<byte>.Empty);
            return;
        }

        if (start < 0)
        {
            start = Math.Max(0, length + start);
        }

        if (end < 0)
        {
            end = Math.Max(0, length + end);
        }

        end = Math.Min(end, length - 1);
        if (start > end || length == 0)
        {
            context.Reply.Bulk(ReadOnlySpan<byte>.Empty);
            return;
        }

        context.Reply.Bulk(value.AsSpan((int)start, (int)(end - start + 1)));
    }

    private static void SetRange(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long offset))
        {
            return;
        }

        if (offset < 0)
        {
            context.Reply.Error("ERR offset is out of range"u8);
            return;
        }

        var store = context.Store;
        ReadOnlySpan<byte> patch = context[3];
        long length;
        lock (store.WriteLock)
        {
            bool exists = store.TryGet(context[1], out byte[] current);
            if (patch.IsEmpty)
            {
                // Writing nothing neither creates the key nor changes it.
                context.Reply.Integer(current.Length);
                return;
            }

            if (offset > MaxStringLength(ref context) - patch.Length)
            {
                context.Reply.Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"u8);
                return;
            }

            length = Math.Max(current.Length, offset + patch.Length);
            StoreSpliced(store, context[1], current, (int)offset, patch, (int)length, exists ? -1 : 0);
        }

        context.Reply.Integer(length);
    }

    /// <summary>proto-max-bulk-len, within what one array can hold.</summary>
    private static long MaxStringLength(ref CommandContext context) => Math.Min(context.Database.Options.MaxBulkLength, Array.MaxLength);

    /// <summary>Stores <paramref name="current"/> with <paramref name="patch"/> written at
    /// <paramref name="offset"/> (zero bytes fill any gap), as a value of <paramref name="length"/> bytes,
    /// keeping the key's expiry. Caller holds the write lock.</summary>
    private static void StoreSpliced(KeyValueStore store, ReadOnlySpan<byte> key, byte[] current, int offset, ReadOnlySpan<byte> patch, int length, long expiresAtMs = -1)
    {
        // Built in a scratch buffer because SetLocked keeps its own copy of what it is given.
        byte[] scratch = TransientBuffers.Rent(length);
        try
        {
            var buffer = scratch.AsSpan(0, length);
            current.AsSpan(0, Math.Min(current.Length, length)).CopyTo(buffer);
            if (offset > current.Length)
            {
                buffer[current.Length..offset].Clear();
            }

            patch.CopyTo(buffer[offset..]);
            store.SetLocked(key, buffer, expiresAtMs);
        }
        finally
        {
            TransientBuffers.Return(scratch);
        }
    }

    private static void Incr(ref CommandContext context) => IncrementBy(ref context, 1);

    private static void Decr(ref CommandContext context) => IncrementBy(ref context, -1);

    private static void IncrBy(ref CommandContext context)
    {
        if (context.TryInteger(2, out long increment))
        {
            IncrementBy(ref context, increment);
        }
    }

    private static void DecrBy(ref CommandContext context)
    {
        if (!context.TryInteger(2, out long decrement))
        {
            return;
        }

        if (decrement == long.MinValue)
        {
            context.Reply.Error("ERR decrement would overflow"u8);
            return;
        }

        IncrementBy(ref context, -decrement);
    }

    private static void IncrementBy(ref CommandContext context, long increment)
    {
        var store = context.Store;
        long result;
        lock (store.WriteLock)
        {
            long current = 0;
            if (store.TryGet(context[1], out byte[] value) && !CommandContext.TryParseInteger(value, out current))
            {
                context.Reply.Error("ERR value is not an integer or out of range"u8);
                return;
            }

            if (!context.TryIncrement(current, increment, out result))
            {
                return;
            }

            Span<byte> digits = stackalloc byte[24];
            Utf8Formatter.TryFormat(result, digits, out int n);
            store.SetLocked(context[1], digits[..n], expiresAtMs: -1);
        }

        context.Reply.Integer(result);
    }

    private static void IncrByFloat(ref CommandContext context)
    {
        var store = context.Store;
        Span<byte> text = stackalloc byte[FloatFormatCapacity];
        int length;
        lock (store.WriteLock)
        {
            double current = 0;
            if ((store.TryGet(context[1], out byte[] value) && !TryParseFloat(value, out current))
                || !TryParseFloat(context[2], out double increment))
            {
                context.Reply.Error("ERR value is not a valid float"u8);
                return;
            }

            double result = current + increment;
            if (!double.IsFinite(result))
            {
                context.Reply.Error("ERR increment would produce NaN or Infinity"u8);
                return;
            }

            // Redis adds in long double, so 0.1 + 0.2 gives "0.3" there; a double sum would give
            // 0.30000000000000004. Decimal arithmetic gives what Redis users see for every value of ordinary
            // size; doubles take over beyond decimal's range.
            length = TryAddDecimal(value, context[2], out decimal sum) ? FormatDecimal(sum, text) : FormatFloat(result, text);
            store.SetLocked(context[1], text[..length], expiresAtMs: -1);
        }

        context.Reply.Bulk(text[..length]);
    }

    internal static bool TryAddDecimal(ReadOnlySpan<byte> current, ReadOnlySpan<byte> increment, out decimal sum)
    {
        // Both below 1e27 in magnitude: the sum cannot overflow decimal's ~7.9e28.
        const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        const decimal Limit = 1e27m;
        sum = 0;
        decimal a = 0;
        if ((!current.IsEmpty && !decimal.TryParse(current, Style, CultureInfo.InvariantCulture, out a))
            || !decimal.TryParse(increment, Style, CultureInfo.InvariantCulture, out decimal b)
            || Math.Abs(a) >= Limit || Math.Abs(b) >= Limit)
        {
            return false;
        }

        // %.17Lf: at most 17 decimals.
        sum = decimal.Round(a + b, 17, MidpointRounding.ToEven);
        return true;
    }

    internal static int FormatDecimal(decimal value, Span<byte> destination)
    {
        // Decimal's own format never uses an exponent; it keeps the scale ("10.60"), which Finish trims.
        value.TryFormat(destination, out int n, default, CultureInfo.InvariantCulture);
        return Finish(destination, n);
    }

    /// <summary>A float as Redis's <c>strtold</c> accepts it: no surrounding spaces, "inf"/"infinity" in
    /// any case, never NaN.</summary>
    internal static bool TryParseFloat(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length >= MaxFloatChars)
        {
            return false;
        }

        ReadOnlySpan<byte> unsigned = text[0] is (byte)'+' or (byte)'-' ? text[1..] : text;
        if (Ascii.EqualsIgnoreCase(unsigned, "inf"u8) || Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = text[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        return double.TryParse(text, Style, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>Room for any finite double in plain notation: 309 integer digits or 17 decimals, a sign, a point.</summary>
    internal const int FloatFormatCapacity = 340;

    /// <summary>
    /// Formats as INCRBYFLOAT replies: the shortest digits that round-trip, in plain notation (never an
    /// exponent: clients parse the value back as a plain number), rounded to at most 17 decimals as
    /// Redis's <c>%.17Lf</c>, without trailing zeros. 10.5 → "10.5", 3.0e3 → "3000", 1e20 → "100000000000000000000".
    /// </summary>
    internal static int FormatFloat(double value, Span<byte> destination)
    {
        if (value == 0)
        {
            destination[0] = (byte)'0';
            return 1;
        }

        // .NET's default format is the shortest round-trip one, but switches to "1E+20" for large and
        // small magnitudes: take its digits and exponent and place the decimal point ourselves.
        Span<byte> shortest = stackalloc byte[32];
        value.TryFormat(shortest, out int n, default, CultureInfo.InvariantCulture);
        shortest = shortest[..n];
        bool negative = shortest[0] == (byte)'-';
        if (negative)
        {
            shortest = shortest[1..];
        }

        int exponent = 0;
        int e = shortest.IndexOf((byte)'E');
        if (e >= 0)
        {
            Utf8Parser.TryParse(shortest[(e + 1)..], out exponent, out _);
            shortest = shortest[..e];
        }

        // The significant digits, and where the point falls among them (may be before the first or past the last).
        Span<byte> digitBuffer = stackalloc byte[32];
        int point = shortest.IndexOf((byte)'.');
        int pointAt = point < 0 ? shortest.Length : point;
        int count = 0;
        foreach (byte b in shortest)
        {
            if (b == (byte)'.')
            {
                continue;
            }

            if (count == 0 && b == (byte)'0')
            {
                pointAt--;
                continue;
            }

            digitBuffer[count++] = b;
        }

        while (count > 1 && digitBuffer[count - 1] == (byte)'0')
        {
            count--;
        }

        pointAt += exponent;
        ReadOnlySpan<byte> digits = digitBuffer[..count];

        int pos = 0;
        if (negative)
        {
            destination[pos++] = (byte)'-';
        }

        if (pointAt > 0)
        {
            if (digits.Length <= pointAt)
            {
                digits.CopyTo(destination[pos..]);
                pos += digits.Length;
                destination.Slice(pos, pointAt - digits.Length).Fill((byte)'0');
                return pos + pointAt - digits.Length;
            }

            // At most 17 significant digits with at least one before the point: never over 17 decimals.
            digits[..pointAt].CopyTo(destination[pos..]);
            pos += pointAt;
            destination[pos++] = (byte)'.';
            digits[pointAt..].CopyTo(destination[pos..]);
            return Finish(destination, pos + digits.Length - pointAt);
        }

        destination[pos++] = (byte)'0';
        int zeros = -pointAt;
        if (zeros > 17)
        {
            return Finish(destination, pos);
        }

        destination[pos++] = (byte)'.';
        destination.Slice(pos, zeros).Fill((byte)'0');
        pos += zeros;
        int room = 17 - zeros;
        if (digits.Length <= room)
        {
            digits.CopyTo(destination[pos..]);
            return Finish(destination, pos + digits.Length);
        }

        // Past the 17th decimal: round there, which may carry back through the zeros and into the "0".
        bool carry = digits[room] >= (byte)'5';
        digits[..room].CopyTo(destination[pos..]);
        pos += room;
        for (int i = pos - 1; i >= 0 && carry; i--)
        {
            byte b = destination[i];
            if (b is (byte)'.' or (byte)'-')
            {
                continue;
            }

            carry = b == (byte)'9';
            destination[i] = carry ? (byte)'0' : (byte)(b + 1);
        }

        return Finish(destination, pos);
    }

    /// <summary>Drops trailing decimal zeros and a bare point; "-0" becomes "0" as in Redis 7.</summary>
    private static int Finish(Span<byte> destination, int length)
    {
        if (destination[..length].IndexOf((byte)'.') >= 0)
        {
            while (destination[length - 1] == (byte)'0')
            {
                length--;
            }

            if (destination[length - 1] == (byte)'.')
            {
                length--;
            }
        }

        if (length == 2 && destination[0] == (byte)'-' && destination[1] == (byte)'0')
        {
            destination[0] = (byte)'0';
            length = 1;
        }

        return length;
    }
}
