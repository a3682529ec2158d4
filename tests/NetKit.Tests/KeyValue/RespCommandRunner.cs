using System.Buffers;
using System.Text;
using NetKit.Protocols;
using NetKit.KeyValue;
using NetKit.Connections;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// Runs kv commands through a real <see cref="KeyValueProtocol"/> as a client would send them — each
/// encoded as a RESP multibulk request, or as an inline line — and returns the raw reply, so tests can
/// assert exact bytes (":1\r\n", "$-1\r\n", "-ERR ...\r\n"). One runner is one connection; several runners
/// over the same <see cref="Database"/> are several clients of one server.
/// </summary>
public sealed class RespCommandRunner : IDisposable
{
    /// <summary>A connection to a fresh in-memory database, its clock <paramref name="time"/> (default: the system's).</summary>
    public RespCommandRunner(TimeProvider? time = null)
        : this(new KeyValueDatabase(new KeyValueOptions(), new KeyValueStore(time)))
    {
    }

    /// <summary>A connection to <paramref name="store"/>, with default options.</summary>
    public RespCommandRunner(KeyValueStore store)
        : this(new KeyValueDatabase(new KeyValueOptions(), store))
    {
    }

    /// <summary>A connection to an existing database (its options, password, log...).</summary>
    public RespCommandRunner(KeyValueDatabase database)
    {
        Database = database;
        Protocol = new KeyValueProtocol(database);
    }

    public KeyValueDatabase Database { get; }

    public KeyValueStore Store => Database.Store;

    public KeyValueProtocol Protocol { get; }

    /// <summary>True once a request asked for the connection to be closed (QUIT, a protocol error).</summary>
    public bool Closed { get; private set; }

    /// <summary>Sends one command as RESP and returns the raw reply (UTF-8; use <see cref="RunBytes"/> for binary values).</summary>
    public string Run(params string[] args) => Encoding.UTF8.GetString(RunBytes(args.Select(Encoding.UTF8.GetBytes).ToArray()));

    /// <summary>Sends one command whose arguments are raw bytes; returns the raw reply bytes.</summary>
    public byte[] RunBytes(params byte[][] args) => Send(Encode(args));

    /// <summary>Sends one inline (text protocol) line; <paramref name="line"/> gets a "\n" unless it ends with one.</summary>
    public string RunInline(string line) => Encoding.UTF8.GetString(Send(Encoding.UTF8.GetBytes(line.EndsWith('\n') ? line : line + "\n")));

    /// <summary>Sends bytes as they are (several pipelined requests, hostile input...) and returns everything written back.</summary>
    public byte[] Send(byte[] input)
    {
        var output = new ArrayBufferWriter<byte>();
        ProtocolStep step = Protocol.Process(new ReadOnlySequence<byte>(input), endOfStream: false, output);
        Closed |= step.Close;
        if (!step.Close)
        {
            Assert.Equal(input.Length, step.Consumed); // every test request is complete
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Encodes a command as a RESP multibulk request.</summary>
    public static byte[] Encode(params byte[][] args)
    {
        var request = new MemoryStream();
        Write($"*{args.Length}\r\n");
        foreach (byte[] arg in args)
        {
            Write($"${arg.Length}\r\n");
            request.Write(arg);
            Write("\r\n");
        }

        return request.ToArray();

        void Write(string text) => request.Write(Encoding.ASCII.GetBytes(text));
    }

    /// <summary>Encodes a command of text arguments as a RESP multibulk request.</summary>
    public static byte[] Encode(params string[] args) => Encode(args.Select(Encoding.UTF8.GetBytes).ToArray());

    /// <summary>The RESP bulk string reply for <paramref name="value"/> ("$5\r\nhello\r\n").</summary>
    public static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    /// <summary>The RESP array reply of bulk strings (null elements as "$-1").</summary>
    public static string Array(params string?[] values) =>
        $"*{values.Length}\r\n" + string.Concat(values.Select(v => v is null ? "$-1\r\n" : Bulk(v)));

    public void Dispose() => Protocol.Dispose();
}

/// <summary>A clock that moves only when told to, for deterministic expiry tests.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now;

    public ManualClock(DateTimeOffset? start = null)
    {
        _now = start ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    public long NowMs => _now.ToUnixTimeMilliseconds();

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void AdvanceMs(long milliseconds) => _now = _now.AddMilliseconds(milliseconds);
}
