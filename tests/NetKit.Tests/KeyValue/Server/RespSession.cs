using System.Buffers;
using System.Text;
using NetKit.Protocols;
using NetKit.Protocols.KeyValue;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>One kv connection driven without sockets: each call sends a RESP2 request and parses the reply.</summary>
public sealed class RespSession : IDisposable
{
    public RespSession(KeyValueOptions? options = null)
        : this(new KeyValueDatabase(options ?? new KeyValueOptions()))
    {
    }

    public RespSession(KeyValueDatabase database)
    {
        Database = database;
        Protocol = new KeyValueProtocol(database);
    }

    public KeyValueDatabase Database { get; }

    public KeyValueProtocol Protocol { get; }

    /// <summary>True once the server asked to close the connection.</summary>
    public bool Closed { get; private set; }

    /// <summary>Another connection to the same database.</summary>
    public RespSession Connect() => new(Database);

    /// <summary>Sends one command and returns its only reply.</summary>
    public RespValue Call(params string[] args)
    {
        var replies = RespValue.ParseAll(Send(Encode(args)));
        Assert.True(replies.Count == 1, $"expected one reply to {string.Join(' ', args)}, got {replies.Count}");
        return replies[0];
    }

    /// <summary>Sends one command and returns the reply's raw text.</summary>
    public string Raw(params string[] args) => Encoding.UTF8.GetString(Send(Encode(args)));

    /// <summary>Sends an inline (text protocol) line and returns the reply text.</summary>
    public string Inline(string line) => Encoding.UTF8.GetString(Send(Encoding.UTF8.GetBytes(line + "\r\n")));

    /// <summary>Asserts the command's reply is an error starting with <paramref name="expected"/>.</summary>
    public void AssertError(string expected, params string[] args)
    {
        var reply = Call(args);
        Assert.True(reply.IsError, $"{string.Join(' ', args)}: expected an error, got {reply}");
        Assert.StartsWith(expected, reply.Text, StringComparison.Ordinal);
    }

    public void Dispose() => Protocol.Dispose();

    public static byte[] Encode(params string[] args)
    {
        var text = new StringBuilder();
        text.Append('*').Append(args.Length).Append("\r\n");
        foreach (string arg in args)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private byte[] Send(byte[] request)
    {
        Assert.False(Closed, "the server closed this connection already");
        var output = new ArrayBufferWriter<byte>();
        ProtocolStep step = Protocol.Process(new ReadOnlySequence<byte>(request), endOfStream: false, output);
        Assert.Equal(request.Length, step.Consumed);
        Closed = step.Close;
        return output.WrittenSpan.ToArray();
    }
}
