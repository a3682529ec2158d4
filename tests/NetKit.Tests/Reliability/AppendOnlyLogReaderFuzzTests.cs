using System.Globalization;
using System.Text;
using CsCheck;
using NetKit.KeyValue;
using NetKit.KeyValue.Persistence;
using NetKit.Tests.KeyValue.Persistence;

namespace NetKit.Tests.Reliability;

/// <summary>
/// Issue 6 §8: <see cref="AppendOnlyLogReader"/> against a slow reference reader written from the README's
/// rules. A log of valid records is cut short or has one byte changed; whatever the damage, the reader must
/// return (never throw), call it torn or damaged where the reference does, at the same offset, and have
/// replayed exactly the records before it.
/// </summary>
public sealed class AppendOnlyLogReaderFuzzTests : IDisposable
{
    /// <summary>The replay's "now": fixed, so an expiry time in a record is past or future by the data alone.</summary>
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(5_000_000);

    private static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (6, Gen.Int['a', 'd'].Select(i => (byte)i)),
        (1, Gen.OneOf((byte)'\r', (byte)'\n', (byte)'*', (byte)'$', (byte)0)),
        (1, Gen.Byte)).Array[0, 12];

    /// <summary>Expiry times on both sides of <see cref="Now"/>, same number of digits, so a changed digit
    /// may move one across.</summary>
    private static readonly Gen<long> Time = Gen.Long[1_000_000, 9_999_999];

    private static readonly Gen<string[]> Record = Gen.Frequency(
        (6, Gen.Select(Bytes, Bytes).Select(kv => Args("SET", kv.Item1, kv.Item2))),
        (2, Gen.Select(Bytes, Bytes, Time, Gen.OneOf("PXAT", "pxat")).Select(t => Args("SET", t.Item1, t.Item2, B(t.Item4), B(Num(t.Item3))))),
        (2, Bytes.Array[1, 3].Select(keys => Args("DEL", [.. keys]))),
        (1, Gen.Select(Bytes, Time).Select(t => Args("PEXPIREAT", t.Item1, B(Num(t.Item2))))),
        (1, Bytes.Select(k => Args("PERSIST", k))),
        (1, Gen.OneOf<string[]>(["FLUSHALL"], ["flushdb"], ["SELECT", "0"], ["MULTI"], ["EXEC"])));

    /// <summary>A few records, then nothing changed, a cut, or one byte changed.</summary>
    private static readonly Gen<(string[][] Records, int Damage, int Offset, byte Xor)> Log =
        from records in Record.Array[0, 12]
        from damage in Gen.Int[0, 2]
        from offset in Gen.Int[0, int.MaxValue]
        from xor in Gen.Byte[1, 255]
        select (records, damage, offset, xor);

    private readonly TempDataDirectory _dir = new();

    [Fact]
    public void Cut_or_changed_logs_replay_as_the_reference_does() =>
        Log.Sample(c => AssertSameAsReference(Damaged(c)), iter: 3_000, threads: 1, print: c => Print(Damaged(c)));

    [Fact]
    public void Records_larger_than_the_read_buffer_replay_and_tear_as_the_reference_does()
    {
        // The reader reads 1 MiB at a time; a value longer than that makes it grow its buffer and go on.
        byte[] big = new byte[(1 << 20) + 4096];
        Array.Fill(big, (byte)'v');
        byte[] file = [.. Encode(Args("SET", "a"u8.ToArray(), "1"u8.ToArray())), .. Encode(Args("SET", "b"u8.ToArray(), big)),
            .. Encode(Args("SET", "c"u8.ToArray(), "3"u8.ToArray()))];
        AssertSameAsReference(file);
        AssertSameAsReference(file[..((1 << 20) + 10)]);
        AssertSameAsReference(file[..^3]);
    }

    [Fact]
    public void A_PXAT_time_with_a_trailing_NUL_is_damage_not_a_time()
    {
        // Found by the fuzz, in its first reference: .NET's long.TryParse takes "234279\0" for 234279, so a
        // reader built on it would load a changed record as if it were intact. The log's numbers are digits only.
        byte[] first = Encode(Args("SET", "a"u8.ToArray(), "1"u8.ToArray()));
        byte[] file = [.. first, .. Encode(Args("SET", "b"u8.ToArray(), "2"u8.ToArray(), B("PXAT"), B("234279\0"))),
            .. Encode(Args("SET", "c"u8.ToArray(), "3"u8.ToArray()))];
        Assert.True(Reference(file, Now.ToUnixTimeMilliseconds()).Damaged);
        AssertSameAsReference(file);
    }

    public void Dispose() => _dir.Dispose();

    private void AssertSameAsReference(byte[] file)
    {
        var expected = Reference(file, Now.ToUnixTimeMilliseconds());
        File.WriteAllBytes(_dir.LogPath, file);
        var store = new KeyValueStore(new SettableClock(Now));
        ReplayOutcome outcome;
        using (var handle = File.OpenHandle(_dir.LogPath))
        {
            outcome = new AppendOnlyLogReader(store).Replay(handle, file.Length);
        }

        string Verdict(long at, bool torn, bool damaged) => damaged ? $"damaged at {at}" : torn ? $"torn at {at}" : $"intact, {at} bytes";
        Assert.Equal(Verdict(expected.IntactLength, expected.Torn, expected.Damaged),
            Verdict(outcome.IntactLength, outcome.IsTorn, outcome.Problem is not null));
        var replayed = store.Entries().ToDictionary(e => Convert.ToHexString(e.Key), e => (Convert.ToHexString((byte[])e.Value), e.ExpiresAtMs));
        Assert.Equal(expected.Data.OrderBy(e => e.Key, StringComparer.Ordinal), replayed.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    private sealed record ReferenceOutcome(long IntactLength, bool Torn, bool Damaged, Dictionary<string, (string Value, long ExpiresAtMs)> Data);

    /// <summary>
    /// The log's rules, read straight off the bytes: a record is <c>*N</c> then N bulk strings; running out of
    /// bytes inside one is a torn tail; anything else malformed is damage, unless only zeros follow the bad byte
    /// (a crash can leave a zero-filled tail); a well-formed record of an unknown command or wrong arity is damage.
    /// </summary>
    private static ReferenceOutcome Reference(byte[] file, long now)
    {
        // A transaction (MULTI ... EXEC) applies whole or not at all: whatever ends the log inside one ends
        // it at the MULTI, and a bad record inside one is damage there.
        var databases = new ReferenceDatabases();
        var data = databases.Zero;
        var held = new List<List<byte[]>>();
        int transactionStart = -1;
        int pos = 0;
        int At(int offset) => transactionStart >= 0 ? transactionStart : offset;
        while (pos < file.Length)
        {
            var (args, end, badAt) = ParseRecord(file, pos);
            if (args is null && badAt < 0)
            {
                return new ReferenceOutcome(At(pos), Torn: true, Damaged: false, data);
            }

            if (args is null)
            {
                bool zeros = file.AsSpan(badAt).IndexOfAnyExcept((byte)0) < 0;
                return new ReferenceOutcome(At(pos), Torn: zeros, Damaged: !zeros, data);
            }

            string name = Encoding.Latin1.GetString(args[0]).ToUpperInvariant();
            if (name == "MULTI")
            {
                if (transactionStart >= 0)
                {
                    return new ReferenceOutcome(transactionStart, Torn: false, Damaged: true, data);
                }

                transactionStart = pos;
            }
            else if (name == "EXEC")
            {
                if (transactionStart < 0)
                {
                    return new ReferenceOutcome(pos, Torn: false, Damaged: true, data);
                }

                transactionStart = -1;
                foreach (var record in held)
                {
                    Apply(record, databases, now);
                }

                held.Clear();
            }
            else if (transactionStart >= 0)
            {
                if (!Apply(args, new ReferenceDatabases(), now))
                {
                    return new ReferenceOutcome(transactionStart, Torn: false, Damaged: true, data);
                }

                held.Add(args);
            }
            else if (!Apply(args, databases, now))
            {
                return new ReferenceOutcome(pos, Torn: false, Damaged: true, data);
            }

            pos = end;
        }

        return transactionStart >= 0
            ? new ReferenceOutcome(transactionStart, Torn: true, Damaged: false, data)
            : new ReferenceOutcome(file.Length, Torn: false, Damaged: false, data);
    }

    /// <summary>The record at <paramref name="pos"/>: its arguments and end, or null with the offset of the bad
    /// byte (-1 when the file ends first).</summary>
    private static (List<byte[]>? Args, int End, int BadAt) ParseRecord(byte[] file, int pos)
    {
        if (file[pos] != '*')
        {
            return (null, 0, pos);
        }

        var (count, p, bad) = ParseNumber(file, pos + 1);
        if (count is null)
        {
            return (null, 0, bad);
        }

        if (count < 1 || count > 1024 * 1024)
        {
            return (null, 0, pos + 1);
        }

        var args = new List<byte[]>();
        for (long i = 0; i < count; i++)
        {
            if (p >= file.Length)
            {
                return (null, 0, -1);
            }

            if (file[p] != '$')
            {
                return (null, 0, p);
            }

            var (length, dataAt, badLength) = ParseNumber(file, p + 1);
            if (length is null)
            {
                return (null, 0, badLength);
            }

            if (length < 0 || length > AppendOnlyLogReader.MaxBulkLength)
            {
                return (null, 0, p);
            }

            if (file.Length - dataAt < length + 2)
            {
                return (null, 0, -1);
            }

            int after = dataAt + (int)length;
            if (file[after] != '\r' || file[after + 1] != '\n')
            {
                return (null, 0, after);
            }

            args.Add(file[dataAt..after]);
            p = after + 2;
        }

        return (args, p, 0);
    }

    /// <summary>An optional '-' and at most 20 digits, then CRLF: the value and where the next field starts, or
    /// null with the bad byte (-1 when the file ends first).</summary>
    private static (long? Value, int Next, int BadAt) ParseNumber(byte[] file, int start)
    {
        int i = start;
        for (; i < file.Length && file[i] != '\r'; i++)
        {
            bool digit = file[i] is >= (byte)'0' and <= (byte)'9';
            if (!digit && !(i == start && file[i] == '-'))
            {
                return (null, 0, i);
            }

            if (i - start >= 20)
            {
                return (null, 0, start);
            }
        }

        if (i + 1 >= file.Length)
        {
            return (null, 0, -1);
        }

        if (file[i + 1] != '\n')
        {
            return (null, 0, i + 1);
        }

        return long.TryParse(Encoding.Latin1.GetString(file, start, i - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? (value, i + 2, 0)
            : (null, 0, start);
    }

    /// <summary>The server's 16 databases; only database 0 is compared, but a changed byte may select another
    /// (SELECT 0 becoming SELECT 2), whose records must then leave database 0 alone.</summary>
    private sealed class ReferenceDatabases
    {
        private readonly Dictionary<long, Dictionary<string, (string Value, long ExpiresAtMs)>> _all = [];

        public long Selected { get; set; }

        public Dictionary<string, (string Value, long ExpiresAtMs)> Zero => Get(0);

        public Dictionary<string, (string Value, long ExpiresAtMs)> Current => Get(Selected);

        public void FlushAll()
        {
            foreach (var database in _all.Values)
            {
                database.Clear();
            }
        }

        private Dictionary<string, (string Value, long ExpiresAtMs)> Get(long index) =>
            _all.TryGetValue(index, out var database) ? database : _all[index] = new(StringComparer.Ordinal);
    }

    private static bool Apply(List<byte[]> args, ReferenceDatabases databases, long now)
    {
        var data = databases.Current;
        string name = Encoding.Latin1.GetString(args[0]);
        string Key(int i) => Convert.ToHexString(args[i]);
        bool Number(int i, out long value) => StrictInteger(args[i], out value);

        if (name.Any(c => c > 0x7F))
        {
            return false;
        }

        switch (name.ToUpperInvariant())
        {
            case "SET":
                long at = 0;
                if (args.Count == 5 && Encoding.Latin1.GetString(args[3]).Equals("PXAT", StringComparison.OrdinalIgnoreCase))
                {
                    if (!Number(4, out at) || at <= 0)
                    {
                        return false;
                    }
                }
                else if (args.Count != 3)
                {
                    return false;
                }

                if (at != 0 && at <= now)
                {
                    data.Remove(Key(1));
                }
                else
                {
                    data[Key(1)] = (Convert.ToHexString(args[2]), at);
                }

                return true;
            case "DEL" or "UNLINK":
                if (args.Count < 2)
                {
                    return false;
                }

                for (int i = 1; i < args.Count; i++)
                {
                    data.Remove(Key(i));
                }

                return true;
            case "PEXPIREAT":
                if (args.Count != 3 || !Number(2, out long when))
                {
                    return false;
                }

                if (when <= now)
                {
                    data.Remove(Key(1));
                }
                else if (data.TryGetValue(Key(1), out var entry))
                {
                    data[Key(1)] = (entry.Value, when);
                }

                return true;
            case "PERSIST":
                if (args.Count != 2)
                {
                    return false;
                }

                if (data.TryGetValue(Key(1), out var kept))
                {
                    data[Key(1)] = (kept.Value, 0);
                }

                return true;
            case "FLUSHALL":
                databases.FlushAll();
                return true;
            case "FLUSHDB":
                data.Clear();
                return true;
            case "SELECT":
                if (args.Count != 2 || !Number(1, out long index) || index < 0 || index >= KeyValueStore.DefaultDatabases)
                {
                    return false;
                }

                databases.Selected = index;
                return true;
            default:
                return false;
        }
    }

    /// <summary>An optional sign and ASCII digits, nothing else: long.TryParse is no reference here, since it
    /// ignores trailing NUL characters ("5\0" parses as 5) where the log must call the record damaged.</summary>
    private static bool StrictInteger(byte[] text, out long value)
    {
        value = 0;
        int digits = text.Length > 0 && text[0] is (byte)'-' or (byte)'+' ? 1 : 0;
        return text.Length > digits
            && text.AsSpan(digits).IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
            && long.TryParse(Encoding.Latin1.GetString(text), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static byte[] Damaged((string[][] Records, int Damage, int Offset, byte Xor) c)
    {
        byte[] file = [.. c.Records.SelectMany(Encode)];
        if (file.Length == 0 || c.Damage == 0)
        {
            return file;
        }

        int at = c.Offset % file.Length;
        if (c.Damage == 1)
        {
            return file[..at];
        }

        file[at] ^= c.Xor;
        return file;
    }

    private static string[] Args(string name, params byte[][] args) => [name, .. args.Select(Encoding.Latin1.GetString)];

    private static byte[] B(string text) => Encoding.Latin1.GetBytes(text);

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static byte[] Encode(string[] args)
    {
        var text = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (string arg in args)
        {
            text.Append('$').Append(arg.Length).Append("\r\n").Append(arg).Append("\r\n");
        }

        return Encoding.Latin1.GetBytes(text.ToString());
    }

    private static string Print(byte[] file) =>
        $"{file.Length} B: " + Encoding.Latin1.GetString(file).Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
}
