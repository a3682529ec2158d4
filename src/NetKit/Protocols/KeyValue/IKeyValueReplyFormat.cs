using System.Buffers;

namespace NetKit.Protocols.KeyValue;

/// <summary>
/// How a command's outcome is written on the wire. The inline protocol and RESP share
/// <see cref="KeyValueCommands"/> and differ only here; static members so the format is chosen at
/// compile time with no per-request dispatch.
/// </summary>
internal interface IKeyValueReplyFormat
{
    static abstract void WriteOk(IBufferWriter<byte> output);

    static abstract void WriteValue(IBufferWriter<byte> output, ReadOnlySpan<byte> value);

    static abstract void WriteNil(IBufferWriter<byte> output);
}
