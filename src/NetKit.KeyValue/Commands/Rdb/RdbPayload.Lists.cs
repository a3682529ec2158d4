using System.Buffers;

namespace NetKit.KeyValue;

// Lists in a DUMP payload: written as a plain RDB list; read as that or as Redis 7.0's quicklist of listpacks.
internal static partial class RdbPayload
{
    private const byte TypeList = 1;
    private const byte TypeListQuicklist2 = 18;
    private const ulong QuicklistPlainNode = 1;
    private const ulong QuicklistPackedNode = 2;

    private static void WriteList(ArrayBufferWriter<byte> output, ListValue list)
    {
        output.Write<byte>([TypeList]);
        WriteLength(output, (ulong)list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            WriteString(output, list[i]);
        }
    }

    /// <summary>A list of at least one element, as Redis refuses an empty one.</summary>
    private static bool TryReadList(ref Reader reader, byte type, out object value)
    {
        value = null!;
        if (!reader.TryLength(out ulong count, out bool encoded) || encoded || count == 0 || count > int.MaxValue)
        {
            return false;
        }

        var list = new ListValue();
        for (ulong i = 0; i < count; i++)
        {
            if (type == TypeList)
            {
                if (!reader.TryString(out byte[] element))
                {
                    return false;
                }

                list.PushTail(element);
                continue;
            }

            if (!reader.TryLength(out ulong container, out bool containerEncoded) || containerEncoded
                || container is not (QuicklistPlainNode or QuicklistPackedNode) || !reader.TryString(out byte[] node))
            {
                return false;
            }

            if (container == QuicklistPlainNode)
            {
                list.PushTail(node);
                continue;
            }

            if (!Listpack.TryReadEntries(node, out List<byte[]> entries))
            {
                return false;
            }

            foreach (var entry in entries)
            {
                list.PushTail(entry);
            }
        }

        if (list.Count == 0)
        {
            return false;
        }

        value = list;
        return true;
    }
}
