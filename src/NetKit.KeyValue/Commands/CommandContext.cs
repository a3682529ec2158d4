using System.Buffers.Text;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// Everything a command sees while it runs: its arguments as slices of the request bytes (no copies),
/// the connection's session, the shared database, and the reply writer in the request's format.
/// </summary>
internal ref struct CommandContext
{
    private readonly ReadOnlySpan<byte> _request;
    private readonly ReadOnlySpan<ArgRange> _args;

    public CommandContext(ClientSession session, KeyValueDatabase database, ReplyWriter reply,
        ReadOnlySpan<byte> request, ReadOnlySpan<ArgRange> args)
    {
        Session = session;
        Database = database;
        Reply = reply;
        Push = reply;
        _request = request;
        _args = args;
    }

    /// <summary>The same command with its replies dropped (CLIENT REPLY OFF or SKIP); its pushes still go out.</summary>
    public readonly CommandContext Silenced() =>
        new(Session, Database, new ReplyWriter(DiscardingWriter.Instance, Reply.Mode), _request, _args) { Push = Push };

    public ClientSession Session { get; }

    public KeyValueDatabase Database { get; }

    /// <summary>The database the client has SELECTed.</summary>
    public readonly KeyValueStore Store => Database.StoreAt(Session.DatabaseIndex);

    /// <summary>The request's bytes and its arguments' ranges in them (MULTI queues a copy).</summary>
    public readonly ReadOnlySpan<byte> Request => _request;

    public readonly ReadOnlySpan<ArgRange> Arguments => _args;

    public ReplyWriter Reply { get; }

    /// <summary>Where pub/sub's confirmations and queued messages go: <see cref="Reply"/>, unless CLIENT REPLY
    /// silenced that.</summary>
    public ReplyWriter Push { get; private init; }

    /// <summary>Counts a key lookup for INFO's keyspace_hits / keyspace_misses, on this client's own counters.</summary>
    public readonly void CountLookup(bool hit) => Session.Counters.CountLookup(hit);

    /// <summary>Set by a command (QUIT) that closes the connection after its reply.</summary>
    public bool CloseConnection { get; set; }

    /// <summary>The number of arguments, the command name included.</summary>
    public readonly int Count => _args.Length;

    /// <summary>Argument <paramref name="index"/>; 0 is the command name.</summary>
    public readonly ReadOnlySpan<byte> this[int index] => _request.Slice(_args[index].Start, _args[index].Length);

    public readonly string ArgString(int index) => Encoding.UTF8.GetString(this[index]);

    /// <summary>True when argument <paramref name="index"/> equals <paramref name="word"/>, ignoring ASCII case.</summary>
    public readonly bool Is(int index, ReadOnlySpan<byte> word) => Ascii.EqualsIgnoreCase(this[index], word);

    /// <summary>Parses argument <paramref name="index"/> as a 64-bit integer; on failure writes Redis's error.</summary>
    public readonly bool TryInteger(int index, out long value)
    {
        if (TryParseInteger(this[index], out value))
        {
            return true;
        }

        Reply.Error("ERR value is not an integer or out of range"u8);
        return false;
    }

    /// <summary>Strict integer syntax as Redis has it: optional '-', digits, no spaces, no '+', fits in 64 bits.</summary>
    /// <summary>
    /// Adds an increment as INCRBY and HINCRBY do: false, with Redis's error replied, when the sum would not fit
    /// in 64 bits (Redis refuses rather than wrap).
    /// </summary>
    public bool TryIncrement(long current, long increment, out long result)
    {
        if ((increment < 0 && current < 0 && increment < long.MinValue - current)
            || (increment > 0 && current > 0 && increment > long.MaxValue - current))
        {
            Reply.Error("ERR increment or decrement would overflow"u8);
            result = 0;
            return false;
        }

        result = current + increment;
        return true;
    }

    public static bool TryParseInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20 || text[0] == (byte)'+' || (text.Length > 1 && text[0] == (byte)'0')
            || (text.Length > 1 && text[0] == (byte)'-' && text[1] == (byte)'0'))
        {
            return false;
        }

        return Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length;
    }

    /// <summary>Writes Redis's wrong-arity error for this command.</summary>
    public readonly void WrongArity() =>
        Reply.Error($"ERR wrong number of arguments for '{Encoding.UTF8.GetString(this[0]).ToLowerInvariant()}' command");

    public readonly void SyntaxError() => Reply.Error("ERR syntax error"u8);
}
