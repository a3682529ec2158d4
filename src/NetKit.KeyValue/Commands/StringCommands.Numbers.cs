using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using NetKit.Buffers;

namespace NetKit.KeyValue;

/// <summary>Strings as numbers: INCR, DECR, INCRBY, DECRBY, and INCRBYFLOAT, which adds in Redis's long double (see <see cref="LongDouble"/>).</summary>
internal static partial class StringCommands
{
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
            store.Notify(KeyspaceEventClass.String, "incrby"u8, context[1]);
        }

        context.Reply.Integer(result);
    }

    private static void IncrByFloat(ref CommandContext context)
    {
        var store = context.Store;
        byte[] text;
        lock (store.WriteLock)
        {
            LongDouble current = LongDouble.Zero;
            if ((store.TryGet(context[1], out byte[] value) && !LongDouble.TryParse(value, out current))
                || !LongDouble.TryParse(context[2], out LongDouble increment))
            {
                context.Reply.Error("ERR value is not a valid float"u8);
                return;
            }

            LongDouble result = current + increment;
            if (result.IsInfinity)
            {
                context.Reply.Error("ERR increment would produce NaN or Infinity"u8);
                return;
            }

            text = Encoding.ASCII.GetBytes(result.Format());
            store.SetLocked(context[1], text, expiresAtMs: -1);
            store.Access.MadeAs(context[1], StringForm.NotInteger);
            store.Notify(KeyspaceEventClass.String, "incrbyfloat"u8, context[1]);
        }

        context.Reply.Bulk(text);
    }
}
