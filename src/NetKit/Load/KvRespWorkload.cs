using System.Buffers.Text;
using System.Globalization;

namespace NetKit.Load;

/// <summary>GET or SET in RESP2, as redis-benchmark sends them; replies parsed as RESP: SET must get
/// <c>+OK</c>, GET a bulk string or nil, and an error reply is a wrong reply.</summary>
internal sealed class KvRespWorkload : LoadWorkload
{
    /// <summary>A reply header (<c>$65536\r\n</c>) is short: a longer one without its CRLF is not RESP.</summary>
    private const int MaxHeader = 32;

    private readonly KvRequestTemplate _template;
    private readonly bool _set;

    public KvRespWorkload(LoadOptions options)
    {
        _set = options.KvOperation == KvOperation.Set;
        string key = string.Create(CultureInfo.InvariantCulture, $"${KvRequestTemplate.KeyLength}\r\n{{key}}\r\n");
        _template = _set
            ? new KvRequestTemplate(string.Create(CultureInfo.InvariantCulture,
                $"*3\r\n$3\r\nSET\r\n{key}${options.MessageSize}\r\n{{value}}\r\n"), options.MessageSize, options.Keys, options.ChangingValues)
            : new KvRequestTemplate($"*2\r\n$3\r\nGET\r\n{key}", 0, options.Keys, changingValues: false);

        // A GET may find a value some other client stored: room for twice ours before it counts as wrong.
        MaxReplySize = Math.Max(2 * options.MessageSize, 1024) + MaxHeader;
    }

    public override int RequestSize => _template.Length;

    public override int MaxReplySize { get; }

    public override void WriteRequest(Span<byte> destination, int connection, long sequence) =>
        _template.Write(destination, connection, sequence);

    public override ReplyCheck Check(ReadOnlySpan<byte> data, ref int state, out int consumed)
    {
        consumed = 0;
        if (data.IsEmpty)
        {
            return ReplyCheck.Incomplete;
        }

        int crlf = data[..Math.Min(data.Length, MaxHeader)].IndexOf("\r\n"u8);
        if (crlf < 0)
        {
            return data.Length >= MaxHeader ? ReplyCheck.Wrong : ReplyCheck.Incomplete;
        }

        ReadOnlySpan<byte> header = data[1..crlf];
        switch (data[0])
        {
            case (byte)'+' when _set && header.SequenceEqual("OK"u8):
                consumed = crlf + 2;
                return ReplyCheck.Complete;
            case (byte)'$' when !_set:
                if (!Utf8Parser.TryParse(header, out int length, out int used) || used != header.Length || length < -1)
                {
                    return ReplyCheck.Wrong;
                }

                if (length == -1)
                {
                    consumed = crlf + 2;
                    return ReplyCheck.Complete;
                }

                int total = crlf + 2 + length + 2;
                if (total > MaxReplySize)
                {
                    return ReplyCheck.Wrong;
                }

                if (data.Length < total)
                {
                    return ReplyCheck.Incomplete;
                }

                if (!data.Slice(total - 2, 2).SequenceEqual("\r\n"u8))
                {
                    return ReplyCheck.Wrong;
                }

                consumed = total;
                return ReplyCheck.Complete;
            default:
                return ReplyCheck.Wrong;
        }
    }
}
