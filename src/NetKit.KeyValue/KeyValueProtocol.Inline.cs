using System.Buffers;
using System.Diagnostics;
using NetKit.Connections;
using NetKit.Protocols;
using System.Text;

namespace NetKit.KeyValue;

/// <summary>Inline requests: Redis's inline commands on a RESP connection, and the seed's text protocol with its text replies.</summary>
public sealed partial class KeyValueProtocol
{
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
        var reply = new ReplyWriter(output, RespMode);
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
