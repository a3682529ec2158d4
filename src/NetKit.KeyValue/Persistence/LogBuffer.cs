using System.Buffers;
using System.Buffers.Text;
using NetKit.Buffers;

namespace NetKit.KeyValue.Persistence;

/// <summary>
/// A growable byte buffer that encodes log records as RESP commands, exactly as Redis writes its AOF.
/// Pooled storage, so a steady stream of records costs no allocation; <see cref="Reset"/> gives a large
/// array back so one huge value does not pin its memory for ever.
/// </summary>
internal sealed partial class LogBuffer
{
    private const int InitialSize = 64 * 1024;

    /// <summary>Above this, an emptied buffer returns its array and starts small again.</summary>
    private const int RetainedSize = 4 * 1024 * 1024;

    private byte[] _data;
    private int _length;

    public LogBuffer(int initialSize = InitialSize) => _data = TransientBuffers.Rent(initialSize);

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _data.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _data.AsMemory(0, _length);

    public void Reset()
    {
        _length = 0;
        if (_data.Length > RetainedSize)
        {
            TransientBuffers.Return(_data);
            _data = TransientBuffers.Rent(InitialSize);
        }
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    public void WriteSet(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtMs)
    {
        if (expiresAtMs > 0)
        {
            WriteArrayHeader(5);
            WriteBulk("SET"u8);
            WriteBulk(key);
            WriteBulk(value);
            WriteBulk("PXAT"u8);
            WriteBulk(expiresAtMs);
        }
        else
        {
            WriteArrayHeader(3);
            WriteBulk("SET"u8);
            WriteBulk(key);
            WriteBulk(value);
        }
    }

    public void WriteDelete(ReadOnlySpan<byte> key)
    {
        WriteArrayHeader(2);
        WriteBulk("DEL"u8);
        WriteBulk(key);
    }

    public void WriteExpireAt(ReadOnlySpan<byte> key, long expiresAtMs)
    {
        if (expiresAtMs > 0)
        {
            WriteArrayHeader(3);
            WriteBulk("PEXPIREAT"u8);
            WriteBulk(key);
            WriteBulk(expiresAtMs);
        }
        else
        {
            WriteArrayHeader(2);
            WriteBulk("PERSIST"u8);
            WriteBulk(key);
        }
    }

    public void WriteClear()
    {
        WriteArrayHeader(1);
        WriteBulk("FLUSHALL"u8);
    }

    public void WriteClearDatabase()
    {
        WriteArrayHeader(1);
        WriteBulk("FLUSHDB"u8);
    }

    public void WriteSelect(int database)
    {
        WriteArrayHeader(2);
        WriteBulk("SELECT"u8);
        WriteBulk(database);
    }

    public void WriteMulti()
    {
        WriteArrayHeader(1);
        WriteBulk("MULTI"u8);
    }

    public void WriteExec()
    {
        WriteArrayHeader(1);
        WriteBulk("EXEC"u8);
    }

    public void WriteHashSet(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        WriteArrayHeader(4);
        WriteBulk("HSET"u8);
        WriteBulk(key);
        WriteBulk(field);
        WriteBulk(value);
    }

    /// <summary>One HSET record of several fields (a rewrite writes a hash this way, as Redis's AOF_REWRITE_ITEMS_PER_CMD).</summary>
    public void WriteHashSet(ReadOnlySpan<byte> key, ReadOnlySpan<KeyValuePair<byte[], byte[]>> fields)
    {
        WriteArrayHeader(2 + (2 * fields.Length));
        WriteBulk("HSET"u8);
        WriteBulk(key);
        foreach (var (field, value) in fields)
        {
            WriteBulk(field);
            WriteBulk(value);
        }
    }

    public void WriteHashDelete(ReadOnlySpan<byte> key, ReadOnlySpan<byte> field)
    {
        WriteArrayHeader(3);
        WriteBulk("HDEL"u8);
        WriteBulk(key);
        WriteBulk(field);
    }

    private void WriteArrayHeader(int count) => WriteLengthLine((byte)'*', count);

    private void WriteBulk(ReadOnlySpan<byte> bytes)
    {
        WriteLengthLine((byte)'$', bytes.Length);
        var span = GetSpan(bytes.Length + 2);
        bytes.CopyTo(span);
        span[bytes.Length] = (byte)'\r';
        span[bytes.Length + 1] = (byte)'\n';
        _length += bytes.Length + 2;
    }

    private void WriteBulk(long number)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(number, digits, out int written);
        WriteBulk(digits[..written]);
    }

    private void WriteLengthLine(byte prefix, long number)
    {
        var span = GetSpan(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(number, span[1..], out int written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        _length += written + 3;
    }

    private Span<byte> GetSpan(int size)
    {
        if (_data.Length - _length < size)
        {
            Grow(size);
        }

        return _data.AsSpan(_length);
    }

    private void Grow(int size)
    {
        long wanted = Math.Max((long)_length + size, (long)_data.Length * 2);
        if (wanted > Array.MaxLength)
        {
            wanted = (long)_length + size;
            if (wanted > Array.MaxLength)
            {
                throw new InvalidOperationException("append-only log buffer is full (2 GiB pending)");
            }
        }

        var bigger = TransientBuffers.Rent((int)wanted);
        _data.AsSpan(0, _length).CopyTo(bigger);
        TransientBuffers.Return(_data);
        _data = bigger;
    }
}
