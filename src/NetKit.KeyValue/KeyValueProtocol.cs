using System.Buffers;
using System.Diagnostics;
using NetKit.Connections;
using NetKit.Protocols;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>
/// The kv service's connection core. Each request is recognised by its first byte: <c>*</c> starts a
/// RESP2 multibulk request, answered in RESP (so redis-cli, redis-benchmark and client libraries work);
/// anything else is an inline line in the seed's text protocol (<c>SET key value</c> → <c>OK</c>,
/// <c>GET key</c> → the value or <c>(nil)</c>). The complete requests in the input are executed in one
/// call and their replies go to the same output, so a pipelining client gets its replies in one send —
/// up to <see cref="KeyValueOptions.MaxOutputPerCall"/>, where the call stops with
/// <see cref="ProtocolStep.Full"/> and the transport sends before calling again with the rest.
/// What other clients push to this one (pub/sub messages, MONITOR lines) is posted to its connection's outbox
/// and written at the start of each call, ahead of the replies; a command CLIENT PAUSE holds is left
/// unconsumed (<see cref="ProtocolStep.Hold"/>) until the pause's end wakes the connection.
/// </summary>
public sealed partial class KeyValueProtocol : IPushingProtocol, IDisposable
{
    /// <summary>PING as a subscribed client gets it, counted as PING.</summary>
    private static readonly CommandSpec SubscribedPing = CommandTable.Default.TryGet("ping", out var ping)
        ? ping with { Handler = PubSubCommands.SubscribedPing }
        : throw new InvalidOperationException("the command table has no PING");

    /// <summary>EXEC, told by reference on the request path.</summary>
    private static readonly CommandSpec ExecSpec = CommandTable.Default.TryGet("exec", out var exec)
        ? exec
        : throw new InvalidOperationException("the command table has no EXEC");

    /// <summary>The default limit on an inline request line's content, in bytes (64 KiB).</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    private readonly KeyValueDatabase _database;
    private readonly CommandTable _commands = CommandTable.Default;
    private readonly RespRequestParser _resp;
    private readonly int _maxLineLength;
    private readonly long _maxOutputPerCall;
    private readonly CountingBufferWriter _output = new();
    private ArgRange[] _inlineArgs = new ArgRange[8];
    private byte[] _inlineText = [];
    // Redis answers a connection's inline commands in RESP; the seed answered them in text. A connection
    // keeps the seed's text until it speaks RESP (or the server says RESP from the start).
    private bool _respInline;
    private bool _atRequestBoundary = true;
    private bool _holding; // the command just dispatched is held by CLIENT PAUSE: leave it unconsumed
    private long _awaitingDurable;
    private int _disposed;

    /// <summary>A connection to a database of its own over <paramref name="store"/> (no password, no log).</summary>
    public KeyValueProtocol(KeyValueStore store, int maxLineLength = DefaultMaxLineLength)
        : this(new KeyValueDatabase(new KeyValueOptions { MaxLineLength = maxLineLength }, store ?? throw new ArgumentNullException(nameof(store))))
    {
    }

    /// <param name="database">The data and settings, shared with the server's other connections.</param>
    /// <param name="connection">The connection served, for CLIENT LIST; null when there is no socket (tests).</param>
    public KeyValueProtocol(KeyValueDatabase database, ConnectionInfo? connection = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(database.Options.MaxLineLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(database.Options.MaxOutputPerCall);
        _database = database;
        _maxLineLength = database.Options.MaxLineLength;
        _maxOutputPerCall = database.Options.MaxOutputPerCall;
        _resp = new RespRequestParser(database.Options.MaxBulkLength, database.Options.MaxArrayLength);
        _respInline = database.Options.InlineReplies == InlineReplyMode.Resp;
        Session = database.Connect(connection);
    }

    /// <summary>The client's state: id, name, authentication, counters.</summary>
    public ClientSession Session { get; }

    internal KeyValueDatabase Database => _database;

    /// <inheritdoc />
    public bool AtRequestBoundary => _atRequestBoundary;

    /// <summary>When the last command of this call ended (<see cref="Stopwatch.GetTimestamp"/>), 0 when the next must
    /// read the clock; and when the running one started.</summary>
    private long _lastCommandEnded;
    private long _commandStarted;

    /// <summary>RESP2, or RESP3 once the client said HELLO 3.</summary>
    private ReplyMode RespMode => Session.Protocol == 3 ? ReplyMode.Resp3 : ReplyMode.Resp;

    /// <inheritdoc />
    public void AttachOutbox(ConnectionOutbox outbox) => Session.PubSub.Attach(outbox);

    /// <inheritdoc />
    public ProtocolStep Process(ReadOnlySequence<byte> input, bool endOfStream, IBufferWriter<byte> output)
    {
        _output.Start(output);
        // Time passed since the last call: the first command of this one reads the clock afresh.
        _lastCommandEnded = 0;
        try
        {
            // What others pushed to this client first, within the same budget as replies: what is left gets
            // the connection to call again once this is sent.
            var outbox = Session.PubSub.Outbox;
            if (!outbox.IsEmpty)
            {
                outbox.DrainTo(_output, _maxOutputPerCall);
            }

            DeliverBlockedReply(_output);
            var step = ProcessRequests(input, endOfStream, _output);
            if (!outbox.IsEmpty && _output.Written < _maxOutputPerCall)
            {
                // Posted while the commands ran (a monitor's own commands): in the same send, as Redis batches it.
                outbox.DrainTo(_output, _maxOutputPerCall - _output.Written);
            }

            return _awaitingDurable == 0 ? step : step with { RepliesReady = RepliesReady() };
        }
        finally
        {
            _output.Stop();
        }
    }

    /// <summary>The replies of this call acknowledge writes: they may leave once the last is in the log.</summary>
    private ValueTask RepliesReady()
    {
        long sequence = _awaitingDurable;
        _awaitingDurable = 0;
        return _database.Log is { } log ? log.WaitDurableAsync(sequence, CancellationToken.None) : ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            var pubsub = Session.PubSub;
            if (pubsub.Monitoring)
            {
                _database.Monitors.Remove(pubsub);
            }

            _database.PubSub.RemoveAll(pubsub);
            if (Session.BlockedListIfAny is { } blocked)
            {
                _database.Databases.Blocking.Forget(blocked);
            }

            _database.Disconnect(Session);
        }
    }

    private ProtocolStep ProcessRequests(ReadOnlySequence<byte> input, bool endOfStream, CountingBufferWriter output)
    {
        long consumed = 0;
        ReadOnlySequence<byte> remaining = input;
        while (true)
        {
            if (Session.BlockedListIfAny is { State: BlockState.Waiting })
            {
                return WhileBlocked(remaining.IsEmpty, endOfStream, consumed);
            }

            var reader = new SequenceReader<byte>(remaining);
            if (!reader.TryPeek(out byte first))
            {
                _atRequestBoundary = true;
                return endOfStream ? ProtocolStep.CloseAfter(consumed) : ProtocolStep.Continue(consumed);
            }

            if (output.Written >= _maxOutputPerCall && consumed > 0)
            {
                // Stopped before the next request: a client that pipelines faster than it reads gets its
                // replies through back-pressure instead of making the server build them all at once.
                _atRequestBoundary = true;
                return ProtocolStep.Full(consumed);
            }

            if (first == (byte)'*')
            {
                _respInline = true;
                bool unauthenticated = !Session.Authenticated && _database.RequiresPassword;
                switch (_resp.TryParse(remaining, unauthenticated, out long length, out string? error))
                {
                    case RespParseStatus.Complete:
                        if (ConnectionThread.MustNotBlock && MayBlock(remaining, _resp.ArgumentCount > 0 ? _resp.Arguments[0] : default))
                        {
                            // Parsed again on the other thread: rare, and cheaper than keeping the parse.
                            return ProtocolStep.RunElsewhere(consumed);
                        }

                        bool close = ExecuteResp(remaining.Slice(0, length), output);
                        if (_holding)
                        {
                            return Held(consumed);
                        }

                        consumed += length;
                        remaining = remaining.Slice(length);
                        if (close)
                        {
                            _atRequestBoundary = true;
                            return ProtocolStep.CloseAfter(consumed);
                        }

                        continue;

                    case RespParseStatus.Incomplete:
                        if (endOfStream)
                        {
                            // A request cut off by the end of the stream can never complete.
                            _resp.Reset();
                            _atRequestBoundary = true;
                            return ProtocolStep.CloseAfter(input.Length);
                        }

                        _atRequestBoundary = false;
                        return ProtocolStep.Continue(consumed);

                    default:
                        new ReplyWriter(output, ReplyMode.Resp).Error("ERR " + error);
                        _atRequestBoundary = true;
                        return ProtocolStep.CloseAfter(input.Length);
                }
            }

            if (_resp.InProgress)
            {
                // The input no longer starts with the request the parser was in the middle of.
                _resp.Reset();
            }

            // Redis never runs an inline line the stream ended without a newline; the seed's text protocol does.
            switch (LineFramer.TryReadLine(ref reader, endOfStream && !_respInline, _maxLineLength, out ReadOnlySequence<byte> line))
            {
                case LineReadResult.Line:
                    if (ConnectionThread.MustNotBlock && MayBlockInline(line))
                    {
                        return ProtocolStep.RunElsewhere(consumed);
                    }

                    bool quit = _respInline ? ExecuteRedisInline(line, output) : ExecuteInline(line, output);
                    if (_holding)
                    {
                        return Held(consumed);
                    }

                    consumed += reader.Consumed;
                    remaining = remaining.Slice(reader.Consumed);
                    if (quit)
                    {
                        _atRequestBoundary = true;
                        // Commands pipelined after QUIT are never executed.
                        return ProtocolStep.CloseAfter(consumed);
                    }

                    continue;

                case LineReadResult.TooLong:
                    output.Write(_respInline ? "-ERR Protocol error: too big inline request\r\n"u8 : "ERR line too long\n"u8);
                    _atRequestBoundary = true;
                    return ProtocolStep.CloseAfter(input.Length);

                default:
                    _atRequestBoundary = false;
                    return endOfStream ? ProtocolStep.CloseAfter(input.Length) : ProtocolStep.Continue(consumed);
            }
        }
    }

    /// <summary>Stops before the command CLIENT PAUSE holds, which stays unconsumed (parsed again once woken).</summary>
    private ProtocolStep Held(long consumed)
    {
        _holding = false;
        _atRequestBoundary = true;
        return ProtocolStep.Hold(consumed);
    }

    private bool ExecuteResp(in ReadOnlySequence<byte> request, IBufferWriter<byte> output)
    {
        if (_resp.ArgumentCount == 0)
        {
            // "*0\r\n" and "*-1\r\n" are empty requests: Redis skips them without a reply.
            return false;
        }

        byte[]? rented = null;
        try
        {
            var bytes = LineFramer.AsSpan(request, ref rented);
            var context = new CommandContext(Session, _database, new ReplyWriter(output, RespMode), bytes, _resp.Arguments);
            Dispatch(ref context);
            return context.CloseConnection;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
