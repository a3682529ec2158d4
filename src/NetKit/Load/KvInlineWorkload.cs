namespace NetKit.Load;

/// <summary>GET or SET as kv's text protocol lines; SET must get <c>OK</c>, GET any line but an error
/// (a value, or <c>(nil)</c>). Replies end with <c>\n</c>, a <c>\r</c> before it accepted.</summary>
internal sealed class KvInlineWorkload : LoadWorkload
{
    private readonly KvRequestTemplate _template;
    private readonly bool _set;

    public KvInlineWorkload(LoadOptions options)
    {
        _set = options.KvOperation == KvOperation.Set;
        _template = _set
            ? new KvRequestTemplate("SET {key} {value}\n", options.MessageSize, options.Keys, options.ChangingValues)
            : new KvRequestTemplate("GET {key}\n", 0, options.Keys, changingValues: false);
        MaxReplySize = Math.Max(2 * options.MessageSize, 1024) + 2;
    }

    public override int RequestSize => _template.Length;

    public override int MaxReplySize { get; }

    public override void WriteRequest(Span<byte> destination, int connection, long sequence) =>
        _template.Write(destination, connection, sequence);

    public override ReplyCheck Check(ReadOnlySpan<byte> data, ref int state, out int consumed)
    {
        consumed = 0;
        int newline = data[..Math.Min(data.Length, MaxReplySize)].IndexOf((byte)'\n');
        if (newline < 0)
        {
            return data.Length >= MaxReplySize ? ReplyCheck.Wrong : ReplyCheck.Incomplete;
        }

        ReadOnlySpan<byte> line = data[..newline];
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        bool right = _set ? line.SequenceEqual("OK"u8) : !line.StartsWith("ERR"u8);
        if (!right)
        {
            return ReplyCheck.Wrong;
        }

        consumed = newline + 1;
        return ReplyCheck.Complete;
    }
}
