using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using NetKit.Buffers;

namespace NetKit.KeyValue;

/// <summary>Strings as byte ranges: APPEND, STRLEN, GETRANGE, SETRANGE.</summary>
internal static partial class StringCommands
{
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

            store.Notify(KeyspaceEventClass.String, "append"u8, context[1]);
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
            store.Notify(KeyspaceEventClass.String, "setrange"u8, context[1]);
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
            store.Access.MadeAs(key, StringForm.Raw);
        }
        finally
        {
            TransientBuffers.Return(scratch);
        }
    }
}
