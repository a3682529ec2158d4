using System.Buffers;
using System.Text;

namespace NetKit.Protocols.KeyValue;

/// <summary>
/// Executes kv commands once a request parser has found their arguments, as spans into the receive
/// buffer. Parsers (inline today, RESP later) own syntax and usage errors; this owns semantics.
/// </summary>
internal static class KeyValueCommands
{
    /// <summary>Names a command, ignoring ASCII case.</summary>
    public static KeyValueCommand Identify(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when Ascii.EqualsIgnoreCase(name, "GET"u8) => KeyValueCommand.Get,
        3 when Ascii.EqualsIgnoreCase(name, "SET"u8) => KeyValueCommand.Set,
        4 when Ascii.EqualsIgnoreCase(name, "QUIT"u8) => KeyValueCommand.Quit,
        _ => KeyValueCommand.Unknown,
    };

    public static void Get<TFormat>(KeyValueStore store, ReadOnlySpan<byte> key, IBufferWriter<byte> output)
        where TFormat : IKeyValueReplyFormat
    {
        if (store.TryGet(key, out byte[] value))
        {
            TFormat.WriteValue(output, value);
        }
        else
        {
            TFormat.WriteNil(output);
        }
    }

    public static void Set<TFormat>(KeyValueStore store, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, IBufferWriter<byte> output)
        where TFormat : IKeyValueReplyFormat
    {
        store.Set(key, value);
        TFormat.WriteOk(output);
    }
}
