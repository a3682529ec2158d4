using System.Buffers;
using CsCheck;
using NetKit.Protocols;

namespace NetKit.Tests.Reliability;

/// <summary>
/// Issue 6 §8: <see cref="LineFramer"/> against a slow reference that sees the whole input at once. TCP may cut
/// the stream anywhere and a pipe may hand it over in several segments, so whatever the cuts, the framer must
/// find the same lines and reach the same "too long" verdict as the reference.
/// </summary>
public sealed class LineFramerFuzzTests
{
    /// <summary>Mostly line content, with enough <c>\r</c>, <c>\n</c> and odd bytes that every edge comes up.</summary>
    private static readonly Gen<byte> LineByte = Gen.Frequency(
        (8, Gen.Int['a', 'c'].Select(i => (byte)i)),
        (2, Gen.Const((byte)'\n')),
        (2, Gen.Const((byte)'\r')),
        (1, Gen.Byte));

    private static readonly Gen<(byte[] Input, int Max, bool EndOfStream, int[] Cuts)> ShortLines =
        from max in Gen.Int[0, 24]
        from input in LineByte.Array[0, 160]
        from endOfStream in Gen.Bool
        from cuts in Gen.Int[0, 160].Array[0, 8]
        select (input, max, endOfStream, cuts);

    /// <summary>Lines right around the limit (the real 64 KiB one included), each ended by <c>\n</c>,
    /// <c>\r\n</c>, a lone <c>\r</c> or nothing.</summary>
    private static readonly Gen<(byte[] Input, int Max, bool EndOfStream, int[] Cuts)> LinesAroundTheLimit =
        from max in Gen.OneOf(0, 1, 7, 4096, 64 * 1024)
        from lines in Gen.Select(Gen.Int[-2, 2], Gen.OneOf("\n", "\r\n", "\r", "")).Array[1, 4]
        from endOfStream in Gen.Bool
        from cutCount in Gen.Int[0, 6]
        let input = lines.SelectMany(l => Enumerable.Repeat((byte)'x', Math.Max(0, max + l.Item1)).Concat(l.Item2.Select(c => (byte)c))).ToArray()
        from cuts in Gen.Int[0, input.Length].Array[cutCount]
        select (input, max, endOfStream, cuts);

    [Fact]
    public void Short_random_inputs_frame_as_the_reference_does_wherever_they_are_cut() =>
        ShortLines.Sample(c => AssertSameAsReference(c.Input, c.Max, c.EndOfStream, c.Cuts), iter: 20_000, threads: 1,
            print: Print);

    [Fact]
    public void Lines_around_the_limit_frame_as_the_reference_does_wherever_they_are_cut() =>
        LinesAroundTheLimit.Sample(c => AssertSameAsReference(c.Input, c.Max, c.EndOfStream, c.Cuts), iter: 300, threads: 1,
            print: Print);

    private static void AssertSameAsReference(byte[] input, int max, bool endOfStream, int[] cuts)
    {
        var expected = Reference(input, max, endOfStream);
        var actual = Framed(input, max, endOfStream, cuts);
        Assert.Equal(expected, actual);
    }

    /// <summary>The spec, directly: split at each <c>\n</c>, drop one <c>\r</c> before it, judge the length; at end
    /// of stream the rest is a final line (less a trailing <c>\r</c>); a rest already over the limit is too long
    /// even without its newline.</summary>
    private static List<string> Reference(byte[] input, int max, bool endOfStream)
    {
        var events = new List<string>();
        int start = 0;
        while (true)
        {
            int newline = Array.IndexOf(input, (byte)'\n', start);
            byte[] piece = input[start..(newline >= 0 ? newline : input.Length)];
            if (piece.Length > 0 && piece[^1] == '\r')
            {
                piece = piece[..^1];
            }

            if (piece.Length > max)
            {
                events.Add("too long");
                return events;
            }

            if (newline >= 0)
            {
                events.Add("line " + Convert.ToHexString(piece));
                start = newline + 1;
                continue;
            }

            if (endOfStream && start < input.Length)
            {
                events.Add("line " + Convert.ToHexString(piece));
            }

            return events;
        }
    }

    /// <summary>The framer as a core drives it: input arriving in chunks, each new read appended to what is left
    /// unconsumed (as more segments), lines taken until it needs more; end of stream only with the last chunk.</summary>
    private static List<string> Framed(byte[] input, int max, bool endOfStream, int[] cuts)
    {
        int[] bounds = [0, .. cuts.Where(c => c <= input.Length).Order(), input.Length];
        var events = new List<string>();
        var pending = new List<ReadOnlyMemory<byte>>();
        for (int i = 1; i < bounds.Length; i++)
        {
            pending.Add(input.AsMemory(bounds[i - 1], bounds[i] - bounds[i - 1]));
            bool last = i == bounds.Length - 1;
            var sequence = ChunkedSequence.Of(pending);
            while (true)
            {
                var reader = new SequenceReader<byte>(sequence);
                var result = LineFramer.TryReadLine(ref reader, last && endOfStream, max, out var line);
                if (result == LineReadResult.TooLong)
                {
                    events.Add("too long");
                    return events;
                }

                if (result == LineReadResult.NeedMoreData)
                {
                    Assert.False(last && endOfStream && !sequence.IsEmpty, "need more data at end of stream with input left");
                    break;
                }

                events.Add("line " + Convert.ToHexString(line.ToArray()));
                sequence = sequence.Slice(reader.Position);
            }

            pending = [];
            foreach (var memory in sequence)
            {
                pending.Add(memory);
            }
        }

        return events;
    }

    private static string Print((byte[] Input, int Max, bool EndOfStream, int[] Cuts) c) =>
        $"max {c.Max}, end of stream {c.EndOfStream}, cuts [{string.Join(',', c.Cuts)}], input ({c.Input.Length} B) " +
        (c.Input.Length <= 300 ? Convert.ToHexString(c.Input) : Convert.ToHexString(c.Input[..300]) + "...");
}
