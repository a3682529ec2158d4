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
public sealed class KeyValueProtocol : IPushingProtocol, IDisposable
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

    /// <inheritdoc />
    public void AttachOutbox(ConnectionOutbox outbox) => Session.PubSub.Attach(outbox);

    /// <inheritdoc />
    public ProtocolStep Process(ReadOnlySequence<byte> input, bool endOfStream, IBufferWriter<byte> output)
    {
        _output.Start(output);
        try
        {
            // What others pushed to this client first, within the same budget as replies: what is left gets
            // the connection to call again once this is sent.
            var outbox = Session.PubSub.Outbox;
            if (!outbox.IsEmpty)
            {
                outbox.DrainTo(_output, _maxOutputPerCall);
            }

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
            _database.Disconnect(Session);
        }
    }

    private ProtocolStep ProcessRequests(ReadOnlySequence<byte> input, bool endOfStream, CountingBufferWriter output)
    {
        long consumed = 0;
        ReadOnlySequence<byte> remaining = input;
        while (true)
        {
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
            var context = new CommandContext(Session, _database, new ReplyWriter(output, ReplyMode.Resp), bytes, _resp.Arguments);
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

    /// <summary>An inline command as Redis runs it: split by <see cref="InlineArgumentSplitter"/>, answered in RESP.</summary>
    /// <returns>True when the connection is to close (QUIT, unbalanced quotes).</returns>
    private bool ExecuteRedisInline(in ReadOnlySequence<byte> line, IBufferWriter<byte> output)
    {
        byte[]? rented = null;
        try
        {
            return ExecuteRedisInline(LineFramer.AsSpan(line, ref rented), output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool ExecuteRedisInline(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        var reply = new ReplyWriter(output, ReplyMode.Resp);
        if (!InlineArgumentSplitter.TrySplit(line, ref _inlineText, ref _inlineArgs, out int count))
        {
            // Redis closes the connection after this protocol error.
            reply.Error("ERR Protocol error: unbalanced quotes in request"u8);
            return true;
        }

        if (count == 0)
        {
            return false;
        }

        var context = new CommandContext(Session, _database, reply, _inlineText, _inlineArgs.AsSpan(0, count));
        Dispatch(ref context);
        return context.CloseConnection;
    }

    /// <returns>True when the command asks to close the connection.</returns>
    private bool ExecuteInline(in ReadOnlySequence<byte> line, IBufferWriter<byte> output)
    {
        byte[]? rented = null;
        try
        {
            return ExecuteInline(LineFramer.AsSpan(line, ref rented), output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool ExecuteInline(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        var reply = new ReplyWriter(output, ReplyMode.Text);
        int start = IndexOfNonSpace(line, 0);
        if (start < 0)
        {
            // As in Redis: redis-cli --pipe sends empty lines and expects no reply to them.
            return false;
        }

        int nameEnd = line[start..].IndexOfAny((byte)' ', (byte)'\t');
        nameEnd = nameEnd < 0 ? line.Length : start + nameEnd;
        ReadOnlySpan<byte> name = line[start..nameEnd];
        int argsStart = IndexOfNonSpace(line, nameEnd);

        // The seed's text protocol: SET's value is the rest of the line, spaces included, and GET and
        // SET keep their own usage errors.
        if (Ascii.EqualsIgnoreCase(name, "SET"u8))
        {
            int keyEnd = argsStart < 0 ? -1 : line[argsStart..].IndexOf((byte)' ');
            if (keyEnd <= 0 || argsStart + keyEnd + 1 >= line.Length)
            {
                reply.Error("ERR usage: SET <key> <value>"u8);
                return false;
            }

            keyEnd += argsStart;
            return DispatchInline(line, start, name.Length, [new ArgRange(argsStart, keyEnd - argsStart), new ArgRange(keyEnd + 1, line.Length - keyEnd - 1)], reply);
        }

        if (Ascii.EqualsIgnoreCase(name, "GET"u8))
        {
            int keyEnd = argsStart < 0 ? -1 : line[argsStart..].IndexOf((byte)' ');
            int keyLength = argsStart < 0 ? 0 : keyEnd < 0 ? line.Length - argsStart : keyEnd;
            // Trailing spaces are forgiven; a second word is not, since inline keys cannot contain spaces.
            bool extra = keyEnd >= 0 && IndexOfNonSpace(line, argsStart + keyEnd) >= 0;
            if (keyLength == 0 || extra)
            {
                reply.Error("ERR usage: GET <key>"u8);
                return false;
            }

            return DispatchInline(line, start, name.Length, [new ArgRange(argsStart, keyLength)], reply);
        }

        if (Ascii.EqualsIgnoreCase(name, "QUIT"u8))
        {
            return true;
        }

        if (Ascii.EqualsIgnoreCase(name, "SUBSCRIBE"u8) || Ascii.EqualsIgnoreCase(name, "PSUBSCRIBE"u8)
            || Ascii.EqualsIgnoreCase(name, "SSUBSCRIBE"u8) || Ascii.EqualsIgnoreCase(name, "MONITOR"u8))
        {
            // What will be pushed is RESP, as Redis pushes it to an inline client: the connection speaks RESP from here.
            _respInline = true;
            return ExecuteRedisInline(line, output);
        }

        if (!_commands.TryGet(name, out _))
        {
            reply.Error("ERR unknown command"u8);
            return false;
        }

        // Any other command inline: arguments split on spaces, as Redis's inline form.
        int count = 0;
        int i = argsStart;
        while (i >= 0 && i < line.Length)
        {
            int end = line[i..].IndexOfAny((byte)' ', (byte)'\t');
            end = end < 0 ? line.Length : i + end;
            if (count == _inlineArgs.Length)
            {
                Array.Resize(ref _inlineArgs, count * 2);
            }

            _inlineArgs[count++] = new ArgRange(i, end - i);
            i = IndexOfNonSpace(line, end);
        }

        return DispatchInline(line, start, name.Length, _inlineArgs.AsSpan(0, count), reply);
    }

    private bool DispatchInline(ReadOnlySpan<byte> line, int nameStart, int nameLength, ReadOnlySpan<ArgRange> arguments, ReplyWriter reply)
    {
        Span<ArgRange> all = arguments.Length < 16 ? stackalloc ArgRange[arguments.Length + 1] : new ArgRange[arguments.Length + 1];
        all[0] = new ArgRange(nameStart, nameLength);
        arguments.CopyTo(all[1..]);
        var context = new CommandContext(Session, _database, reply, line, all);
        Dispatch(ref context);
        return context.CloseConnection;
    }

    private void Dispatch(ref CommandContext context)
    {
        var transaction = Session.Transaction;
        var pubsub = Session.PubSub;
        if (!TryAdmit(ref context, out CommandSpec? spec) || (pubsub.InSpecialMode && !AdmitInMode(ref context, spec)))
        {
            // As Redis's rejectCommand: a command refused while queueing makes its EXEC fail.
            transaction.Aborted |= transaction.InMulti;
            return;
        }

        if (_database.Pause.Active && !pubsub.Monitoring
            && _database.Pause.TryHold(pubsub, ClientPauseCommands.IsHeldByWritePause(spec, Session)))
        {
            // Redis pauses a command before it is queued or run; monitors, replicas to Redis, never wait.
            _holding = true;
            return;
        }

        // RESET runs at once inside MULTI, as Redis has it.
        if (transaction.InMulti && !TransactionCommands.RunsInsideMulti(spec) && spec.Name != "reset")
        {
            transaction.Queue(context.Request, context.Arguments);
            context.Reply.Simple("QUEUED"u8);
            return;
        }

        if (pubsub.InSpecialMode && pubsub.IsSubscribed && spec.Name == "ping")
        {
            spec = SubscribedPing;
        }

        long started = Stopwatch.GetTimestamp();
        if (ReferenceEquals(spec, ExecSpec))
        {
            RunExec(ref context, spec, pubsub);
        }
        else
        {
            CommandExecution.Run(ref context, spec);
        }

        if (RequestMetrics.Enabled)
        {
            RequestMetrics.Record(started, KeyValueService.Definition.Name, spec.Name);
        }

        // The threshold is read after the command, as Redis reads it: a CONFIG SET of it is judged by its new value.
        long slowerThan = _database.Settings.SlowlogSlowerThan;
        if (slowerThan >= 0)
        {
            long micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            // AUTH and HELLO carry passwords: Redis keeps them out of the slow log (CMD_SKIP_SLOWLOG).
            if (micros >= slowerThan && spec.Name is not ("auth" or "hello"))
            {
                _database.SlowLog.Add(ref context, _database.Store.NowMs / 1000, micros, _database.Settings.SlowlogMaxLength);
            }
        }

        if ((spec.Flags & (CommandFlags.Write | CommandFlags.RunsCommands)) != 0 && _database.Log is { } log)
        {
            _awaitingDurable = log.AppendedSequence;
        }
    }

    /// <summary>EXEC, marked as running its queue while it does (see <see cref="PubSubSession.InsideExec"/>).</summary>
    private static void RunExec(ref CommandContext context, CommandSpec spec, PubSubSession pubsub)
    {
        pubsub.InsideExec = true;
        try
        {
            CommandExecution.Run(ref context, spec);
        }
        finally
        {
            pubsub.InsideExec = false;
        }
    }

    /// <summary>
    /// Redis's checks of the client's mode, after <see cref="TryAdmit"/>'s: in RESP2 a subscribed client may only
    /// (un)subscribe, PING, QUIT and RESET; a monitor (a replica, to Redis) may not touch the keyspace.
    /// </summary>
    private bool AdmitInMode(ref CommandContext context, CommandSpec spec)
    {
        var pubsub = Session.PubSub;
        if (pubsub.IsSubscribed && !PubSubCommands.AllowedWhileSubscribed(spec))
        {
            context.Reply.Error(PubSubCommands.RefusedWhileSubscribed(ref context, spec));
            return false;
        }

        if (pubsub.Monitoring && ClientPauseCommands.TouchesKeyspace(spec, Session))
        {
            context.Reply.Error("ERR Replica can't interact with the keyspace"u8);
            return false;
        }

        return true;
    }

    /// <summary>The checks before a command runs or is queued: known, arity, authentication, the log's health, memory.</summary>
    private bool TryAdmit(ref CommandContext context, out CommandSpec spec)
    {
        var reply = context.Reply;
        if (!_commands.TryGet(context[0], out spec!))
        {
            UnknownCommandError.Write(ref context);
            return false;
        }

        if (!spec.AcceptsArgumentCount(context.Count))
        {
            context.WrongArity();
            return false;
        }

        if (!Session.Authenticated && (spec.Flags & CommandFlags.NoAuth) == 0)
        {
            reply.Error("NOAUTH Authentication required."u8);
            return false;
        }

        if ((spec.Flags & CommandFlags.NoMulti) != 0 && Session.Transaction.InMulti)
        {
            reply.Error("ERR Command not allowed inside a transaction"u8);
            return false;
        }

        if ((spec.Flags & CommandFlags.Write) != 0 && _database.Log?.LastWriteError is { } logError)
        {
            // An acknowledged write must be durable: while the log cannot be written, refuse writes up
            // front rather than take them and fail their replies.
            reply.Error($"MISCONF Errors writing to the AOF file: {logError}");
            return false;
        }

        if (TransactionCommands.RefusedOverMaxMemory(spec, Session.Transaction.InMulti) && _database.IsOverMaxMemory)
        {
            reply.Error("OOM command not allowed when used memory > 'maxmemory'."u8);
            return false;
        }

        return true;
    }

    /// <summary>Whether the request whose name lies at <paramref name="name"/> may block (see <see cref="CommandFlags.MayBlock"/>).</summary>
    private bool MayBlock(in ReadOnlySequence<byte> request, ArgRange name)
    {
        if (name.Length is 0 or > 32)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[name.Length];
        request.Slice(name.Start, name.Length).CopyTo(bytes);
        return _commands.TryGet(bytes, out var spec) && (spec.Flags & CommandFlags.MayBlock) != 0;
    }

    private bool MayBlockInline(in ReadOnlySequence<byte> line)
    {
        Span<byte> start = stackalloc byte[40];
        int length = (int)Math.Min(line.Length, start.Length);
        line.Slice(0, length).CopyTo(start);
        var text = start[..length];
        int first = IndexOfNonSpace(text, 0);
        if (first < 0)
        {
            return false;
        }

        int end = text[first..].IndexOfAny((byte)' ', (byte)'\t');
        var name = end < 0 ? text[first..] : text.Slice(first, end);
        return _commands.TryGet(name, out var spec) && (spec.Flags & CommandFlags.MayBlock) != 0;
    }

    private static int IndexOfNonSpace(ReadOnlySpan<byte> line, int from)
    {
        if (from < 0 || from >= line.Length)
        {
            return -1;
        }

        int i = line[from..].IndexOfAnyExcept((byte)' ', (byte)'\t');
        return i < 0 ? -1 : from + i;
    }
}
