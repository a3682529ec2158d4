using System.Globalization;
using System.Text;

namespace NetKit.Load;

/// <summary>A request whose reply is known byte for byte (echo, lines, count), checked as it arrives, so a
/// 64 KiB message needs no 64 KiB of receive buffer per connection.</summary>
internal sealed class FixedReplyWorkload : LoadWorkload
{
    private readonly byte[] _request;
    private readonly byte[] _reply;
    private readonly bool _connectionPerRequest;

    private FixedReplyWorkload(byte[] request, byte[] reply, bool connectionPerRequest)
    {
        _request = request;
        _reply = reply;
        _connectionPerRequest = connectionPerRequest;
    }

    public override int RequestSize => _request.Length;

    public override int MaxReplySize => _reply.Length;

    public override bool ConnectionPerRequest => _connectionPerRequest;

    public static FixedReplyWorkload Echo(int size)
    {
        byte[] request = Letters(size);
        return new FixedReplyWorkload(request, request, connectionPerRequest: false);
    }

    /// <summary>Lower-case letters that come back upper-cased; never "quit", which would end the connection.</summary>
    public static FixedReplyWorkload Lines(int size)
    {
        byte[] request = Letters(size);
        request[^1] = (byte)'\n';
        byte[] reply = (byte[])request.Clone();
        for (int i = 0; i < size - 1; i++)
        {
            reply[i] = (byte)(request[i] - 'a' + 'A');
        }

        return new FixedReplyWorkload(request, reply, connectionPerRequest: false);
    }

    public static FixedReplyWorkload Count(int size) =>
        new(Letters(size), Encoding.ASCII.GetBytes(size.ToString(CultureInfo.InvariantCulture) + "\n"), connectionPerRequest: true);

    public override void WriteRequest(Span<byte> destination, int connection, long sequence) => _request.CopyTo(destination);

    public override ReplyCheck Check(ReadOnlySpan<byte> data, ref int state, out int consumed)
    {
        ReadOnlySpan<byte> expected = _reply.AsSpan(state);
        int n = Math.Min(data.Length, expected.Length);
        if (!data[..n].SequenceEqual(expected[..n]))
        {
            consumed = 0;
            return ReplyCheck.Wrong;
        }

        consumed = n;
        state += n;
        if (state < _reply.Length)
        {
            return ReplyCheck.Incomplete;
        }

        state = 0;
        return ReplyCheck.Complete;
    }

    private static byte[] Letters(int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bytes[i] = (byte)('a' + (i % 26));
        }

        return bytes;
    }
}
