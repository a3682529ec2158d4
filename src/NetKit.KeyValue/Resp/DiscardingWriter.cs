using System.Buffers;

namespace NetKit.KeyValue;

/// <summary>An output that keeps nothing: where a silenced client's replies go (CLIENT REPLY OFF). One scratch buffer
/// per thread, reused, so dropping a reply allocates nothing after the first.</summary>
internal sealed class DiscardingWriter : IBufferWriter<byte>
{
    [ThreadStatic] private static byte[]? t_scratch;

    private DiscardingWriter()
    {
    }

    public static DiscardingWriter Instance { get; } = new();

    public void Advance(int count)
    {
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

    private static byte[] Scratch(int sizeHint)
    {
        int size = Math.Max(sizeHint, 4096);
        if (t_scratch is null || t_scratch.Length < size)
        {
            t_scratch = new byte[size];
        }

        return t_scratch;
    }
}
