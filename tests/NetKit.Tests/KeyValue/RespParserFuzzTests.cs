using System.Buffers;
using System.Text;
using CsCheck;
using NetKit.KeyValue;
using NetKit.Tests.Protocols;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// Property tests of the resumable RESP request parser against a deliberately simple one that parses
/// the whole input at once: for random valid and malformed requests, cut into random chunks and handed
/// over as one array or as segments, the two agree at every cut on the status, and at the end on the
/// arguments, the length consumed and the error's wording. Through the kv core, a malformed request gets
/// exactly its protocol error and a close, and after a well-formed one a PING gets PONG: the session
/// survived.
/// </summary>
public class RespParserFuzzTests
{
    private const string Seed = "0N0XIzNsQ0O2";
    private const long Iterations = 10_000;

    // Bytes that matter to RESP, a few that do not, and some that are not ASCII.
    private static readonly byte[] Alphabet = [.. "ab*$-019\r\n \0"u8, 0xC3, 0xFF];

    // Announced counts and lengths beyond the arguments actually present: the limits' edges, negatives,
    // too many digits, not digits at all.
    private static readonly string[] OddNumbers = ["-1", "0", "10", "11", "16384", "16385", "20001", "999999999999999999", "9999999999999999999", "", "-", "x", "1 "];

    private static Gen<Case> Cases { get; } =
        from args in Gen.OneOf(Alphabet).Array[0, 10].Array[0, 6]
        from countText in Gen.Frequency((6, Gen.Const((string?)null)), (1, Gen.OneOf(OddNumbers).Select(s => (string?)s)))
        from lengthTexts in Gen.Frequency((6, Gen.Const((string?)null)), (1, Gen.OneOf(OddNumbers).Select(s => (string?)s))).Array[6]
        from mutations in Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 3], Gen.OneOf(Alphabet)).Array[0, 3]
        from trailing in Gen.OneOf("", "*1\r\n$4\r\nPING\r\n", "GET k\r\n", "*")
        from chunks in Gen.Int[1, 24].Array[0, 8]
        from segmented in Gen.Bool
        from unauthenticated in Gen.Bool
        from smallLimits in Gen.Bool
        select new Case(Build(args, countText, lengthTexts, mutations, trailing), chunks, segmented, unauthenticated,
            smallLimits ? 8 : 20_000, smallLimits ? 4 : 16);

    [Fact]
    public void TheResumableParser_AgreesWithTheReference_WhereverTheInputIsCut() =>
        Cases.Sample(Check, seed: Seed, iter: Iterations, threads: 1, print: c => c.ToString());

    [Fact]
    public void AnArgumentEndingInAHalfCrLf_WaitsForTheRestThenFails()
    {
        // "PINGx" needs one more byte before its terminator can be judged: cut there, the parser must
        // wait, then report the bad terminator once it has all of it.
        Check(new Case("*1\r\n$4\r\nPINGxy"u8.ToArray(), [13], false, false, 64, 8));
    }

    [Fact]
    public void AHeaderCutInsideItsDigits_IsReadAgainWhole()
    {
        Check(new Case(RespCommandRunner.Encode("SET", "key", "0123456789abcdefghij"), [1, 2, 1, 14, 1, 1], true, false, 64, 8));
    }

    private static void Check(Case c)
    {
        CheckParser(c);
        CheckSessionSurvives(c);
    }

    private static void CheckSessionSurvives(Case c)
    {
        Reference whole = Reference.Parse(c.Input, c.MaxBulkLength, c.MaxArrayLength, c.Unauthenticated);
        if (whole.Status == RespParseStatus.Incomplete)
        {
            return; // a PING would only be taken as more of the request
        }

        using var database = new KeyValueDatabase(new KeyValueOptions
        {
            MaxBulkLength = c.MaxBulkLength,
            MaxArrayLength = c.MaxArrayLength,
            RequirePass = c.Unauthenticated ? "pw" : null,
        });
        using var protocol = new KeyValueProtocol(database);
        byte[] request = whole.Status == RespParseStatus.Complete ? c.Input[..(int)whole.Length] : c.Input;

        ProtocolRun run = ProtocolDriver.Run(protocol, [.. request.Chunk(Math.Max(1, c.Chunks.FirstOrDefault())), RespCommandRunner.Encode("PING")]);

        if (whole.Status == RespParseStatus.Error)
        {
            // As Redis, a reply's error text never carries a line break: the byte it quotes becomes a space.
            Assert.Equal($"-ERR {whole.Error!.Replace('\r', ' ').Replace('\n', ' ')}\r\n", run.OutputText);
            Assert.True(run.ClosedBeforeEndOfStream);
        }
        else
        {
            Assert.EndsWith("+PONG\r\n", run.OutputText, StringComparison.Ordinal);
            Assert.False(run.ClosedBeforeEndOfStream);
        }
    }

    private static void CheckParser(Case c)
    {
        byte[] input = c.Input;
        var parser = new RespRequestParser(c.MaxBulkLength, c.MaxArrayLength);
        var received = new List<byte[]>();
        int offset = 0;
        foreach (int size in c.Chunks.Append(int.MaxValue))
        {
            if (offset >= input.Length)
            {
                break;
            }

            int take = Math.Min(size, input.Length - offset);
            received.Add(input[offset..(offset + take)]);
            offset += take;
            byte[] prefix = input[..offset];
            Reference expected = Reference.Parse(prefix, c.MaxBulkLength, c.MaxArrayLength, c.Unauthenticated);
            ReadOnlySequence<byte> sequence = c.Segmented ? Segments(received) : new ReadOnlySequence<byte>(prefix);

            RespParseStatus status = parser.TryParse(sequence, c.Unauthenticated, out long length, out string? error);

            Assert.True(expected.Status == status, $"after {offset} of {input.Length} bytes: {status}, the reference says {expected.Status} ({expected.Error})");
            if (status == RespParseStatus.Incomplete)
            {
                continue;
            }

            if (status == RespParseStatus.Error)
            {
                Assert.Equal(expected.Error, error);
            }
            else
            {
                Assert.Equal(expected.Length, length);
                Assert.Equal(expected.Arguments.Count, parser.ArgumentCount);
                for (int i = 0; i < parser.ArgumentCount; i++)
                {
                    ArgRange range = parser.Arguments[i];
                    Assert.Equal(expected.Arguments[i], prefix.AsSpan(range.Start, range.Length).ToArray());
                }
            }

            return;
        }
    }

    private static byte[] Build(byte[][] args, string? countText, string?[] lengthTexts, (int Position, int Kind, byte Value)[] mutations, string trailing)
    {
        var bytes = new List<byte>();
        void Text(string s) => bytes.AddRange(Encoding.ASCII.GetBytes(s));
        Text($"*{countText ?? args.Length.ToString()}\r\n");
        for (int i = 0; i < args.Length; i++)
        {
            Text($"${lengthTexts[i] ?? args[i].Length.ToString()}\r\n");
            bytes.AddRange(args[i]);
            Text("\r\n");
        }

        foreach (var (position, kind, value) in mutations)
        {
            int at = position % (bytes.Count + 1);
            switch (kind)
            {
                case 0 when at < bytes.Count:
                    bytes[at] = value;
                    break;
                case 1:
                    bytes.Insert(at, value);
                    break;
                case 2 when at < bytes.Count && at > 0:
                    // The first '*' stays: the parser is only ever called on a request that starts with it.
                    bytes.RemoveAt(at);
                    break;
                case 3 when at > 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        if (bytes.Count == 0 || bytes[0] != (byte)'*')
        {
            bytes.Insert(0, (byte)'*');
        }

        Text(trailing);
        return [.. bytes];
    }

    private static ReadOnlySequence<byte> Segments(List<byte[]> arrays)
    {
        var first = new Segment(arrays[0], 0);
        Segment last = first;
        foreach (byte[] array in arrays.Skip(1))
        {
            last = last.Append(array);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public sealed record Case(byte[] Input, int[] Chunks, bool Segmented, bool Unauthenticated, long MaxBulkLength, int MaxArrayLength)
    {
        public override string ToString() =>
            $"\"{Escape(Input)}\" chunks [{string.Join(',', Chunks)}] {(Segmented ? "segmented" : "contiguous")}" +
            $"{(Unauthenticated ? " unauthenticated" : "")} limits {MaxBulkLength}/{MaxArrayLength}";

        private static string Escape(byte[] bytes) =>
            string.Concat(bytes.Select(b => b switch { (byte)'\r' => "\\r", (byte)'\n' => "\\n", >= 0x20 and < 0x7F => ((char)b).ToString(), _ => $"\\x{b:X2}" }));
    }

    /// <summary>
    /// The slow reference: the whole input in one array, plain indexes, each number taken as the bytes up
    /// to its <c>\r</c> and judged as soon as a byte cannot belong to one (so a bad header is an error at
    /// once, not after it waited for a line end that may never come).
    /// </summary>
    private sealed record Reference(RespParseStatus Status, List<byte[]> Arguments, long Length, string? Error)
    {
        private const int MaxDigits = 18;

        public static Reference Parse(byte[] input, long maxBulkLength, int maxArrayLength, bool unauthenticated)
        {
            int pos = 1;
            switch (Number(input, ref pos, out long count))
            {
                case RespParseStatus.Incomplete:
                    return Incomplete();
                case RespParseStatus.Error:
                    return Fail("Protocol error: invalid multibulk length");
            }

            if (count > maxArrayLength)
            {
                return Fail("Protocol error: invalid multibulk length");
            }

            if (unauthenticated && count > 10)
            {
                return Fail("Protocol error: unauthenticated multibulk length");
            }

            var args = new List<byte[]>();
            for (long i = 0; i < count; i++)
            {
                if (pos >= input.Length)
                {
                    return Incomplete();
                }

                if (input[pos] != (byte)'$')
                {
                    return Fail($"Protocol error: expected '$', got '{(char)input[pos]}'");
                }

                pos++;
                switch (Number(input, ref pos, out long length))
                {
                    case RespParseStatus.Incomplete:
                        return Incomplete();
                    case RespParseStatus.Error:
                        return Fail("Protocol error: invalid bulk length");
                }

                if (length < 0 || length > maxBulkLength)
                {
                    return Fail("Protocol error: invalid bulk length");
                }

                if (unauthenticated && length > 16 * 1024)
                {
                    return Fail("Protocol error: unauthenticated bulk length");
                }

                if (input.Length - pos < length + 2)
                {
                    return Incomplete();
                }

                args.Add(input[pos..(pos + (int)length)]);
                pos += (int)length;
                if (input[pos] != (byte)'\r' || input[pos + 1] != (byte)'\n')
                {
                    return Fail("Protocol error: expected '\\r\\n' after bulk string");
                }

                pos += 2;
            }

            return new Reference(RespParseStatus.Complete, args, pos, null);
        }

        private static Reference Incomplete() => new(RespParseStatus.Incomplete, [], 0, null);

        private static Reference Fail(string error) => new(RespParseStatus.Error, [], 0, error);

        private static RespParseStatus Number(byte[] input, ref int pos, out long value)
        {
            value = 0;
            int cr = Array.IndexOf(input, (byte)'\r', pos);
            string text = Encoding.Latin1.GetString(input, pos, (cr < 0 ? input.Length : cr) - pos);
            string digits = text.StartsWith('-') ? text[1..] : text;
            int firstBad = digits.TakeWhile(char.IsAsciiDigit).Count();
            if (firstBad < digits.Length || digits.Length > MaxDigits)
            {
                return RespParseStatus.Error;
            }

            if (cr < 0 || cr + 1 >= input.Length)
            {
                return RespParseStatus.Incomplete;
            }

            if (input[cr + 1] != (byte)'\n' || digits.Length == 0)
            {
                return RespParseStatus.Error;
            }

            value = long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            pos = cr + 2;
            return RespParseStatus.Complete;
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
