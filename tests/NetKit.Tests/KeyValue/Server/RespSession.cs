using System.Text;
using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>
/// One kv connection driven without sockets, with replies parsed into <see cref="RespValue"/>s: a thin
/// layer over <see cref="RespCommandRunner"/>, which sends the bytes.
/// </summary>
public sealed class RespSession : IDisposable
{
    private readonly RespCommandRunner _runner;

    public RespSession(KeyValueOptions? options = null)
        : this(new KeyValueDatabase(options ?? new KeyValueOptions()))
    {
    }

    public RespSession(KeyValueDatabase database)
    {
        _runner = new RespCommandRunner(database);
    }

    public KeyValueDatabase Database => _runner.Database;

    public KeyValueProtocol Protocol => _runner.Protocol;

    /// <summary>True once the server asked to close the connection.</summary>
    public bool Closed => _runner.Closed;

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

    public void Dispose() => _runner.Dispose();

    public static byte[] Encode(params string[] args) => RespCommandRunner.Encode(args);

    private byte[] Send(byte[] request)
    {
        Assert.False(Closed, "the server closed this connection already");
        return _runner.Send(request);
    }
}
