using System.Buffers;
using System.Text;
using NetKit.Protocols.Lines;

namespace NetKit.Tests.Protocols;

public class LinesProtocolTests
{
    private static ProtocolRun RunEverySplit(string input, int maxLineLength = LinesProtocol.DefaultMaxLineLength) =>
        ProtocolDriver.RunEverySplit(() => new LinesProtocol(maxLineLength), input);

    [Fact]
    public void UpperCasesEachLine()
    {
        ProtocolRun run = RunEverySplit("hello\nWorld 42!\n");

        Assert.Equal("HELLO\nWORLD 42!\n", run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
        Assert.True(run.ClosedAtEndOfStream);
    }

    [Theory]
    [InlineData("straße")]
    [InlineData("héllo")]
    [InlineData("ıi ſ ǆ")] // upper-casing changes the UTF-8 length
    [InlineData("日本語 ok")]
    [InlineData("emoji 😀 and 𐐨")] // surrogate pairs, one of which has an upper case
    public void UpperCasesNonAsciiLikeToUpperInvariant(string line)
    {
        ProtocolRun run = RunEverySplit(line + "\n" + line + "\r\n");

        string upper = line.ToUpperInvariant();
        Assert.Equal(upper + "\n" + upper + "\n", run.OutputText);
    }

    [Fact]
    public void DropsCarriageReturnBeforeNewline()
    {
        Assert.Equal("A\nB\n", RunEverySplit("a\r\nb\r\n").OutputText);
    }

    [Fact]
    public void KeepsCarriageReturnInsideALine()
    {
        Assert.Equal("A\rB\n", RunEverySplit("a\rb\n").OutputText);
    }

    [Theory]
    [InlineData("quit\n")]
    [InlineData("quit\r\n")]
    [InlineData(" quit \n")]
    [InlineData("\tquit\t\r\n")]
    [InlineData("\u00A0quit\n")] // string.Trim() also trims non-ASCII white space
    [InlineData("quit")] // final line without newline
    public void QuitSaysByeAndCloses(string input)
    {
        ProtocolRun run = RunEverySplit(input);

        Assert.Equal("bye\n", run.OutputText);
        Assert.True(run.Closed);
    }

    [Fact]
    public void QuitStopsProcessingLaterLines()
    {
        ProtocolRun run = RunEverySplit("a\nquit\nb\n");

        Assert.Equal("A\nbye\n", run.OutputText);
        Assert.True(run.ClosedBeforeEndOfStream);
    }

    [Theory]
    [InlineData("QUIT\n", "QUIT\n")]
    [InlineData("quit now\n", "QUIT NOW\n")]
    [InlineData("qu it\n", "QU IT\n")]
    public void OnlyExactQuitQuits(string input, string expected)
    {
        ProtocolRun run = RunEverySplit(input);

        Assert.Equal(expected, run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
    }

    [Fact]
    public void AnswersFinalLineWithoutNewline()
    {
        Assert.Equal("ONE\nTWO\n", RunEverySplit("one\ntwo").OutputText);
    }

    [Fact]
    public void FinalCarriageReturnIsALineEnding()
    {
        Assert.Equal("TWO\n", RunEverySplit("two\r").OutputText);
    }

    [Fact]
    public void EmptyRemainderIsNotAnswered()
    {
        Assert.Equal("ONE\n", RunEverySplit("one\n").OutputText);
        Assert.Equal("", RunEverySplit("").OutputText);
    }

    [Fact]
    public void EmptyLinesAreAnsweredWithEmptyLines()
    {
        Assert.Equal("\n\nA\n", RunEverySplit("\n\r\na\n").OutputText);
    }

    [Theory]
    [InlineData("0123456789\n")]
    [InlineData("0123456789\r\n")]
    [InlineData("0123456789")] // no newline: refused as soon as the limit is passed
    [InlineData("012345678\rx\n")]
    public void RefusesTooLongLineAndCloses(string input)
    {
        ProtocolRun run = RunEverySplit(input, maxLineLength: 8);

        Assert.Equal("ERR line too long\n", run.OutputText);
        Assert.True(run.ClosedBeforeEndOfStream);
    }

    [Theory]
    [InlineData("01234567\n", "01234567\n")]
    [InlineData("abcdefgh\r\n", "ABCDEFGH\n")]
    [InlineData("abcdefgh\r", "ABCDEFGH\n")]
    [InlineData("abcdefgh", "ABCDEFGH\n")]
    public void AcceptsLineOfExactlyTheLimit(string input, string expected)
    {
        ProtocolRun run = RunEverySplit(input, maxLineLength: 8);

        Assert.Equal(expected, run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
    }

    [Fact]
    public void AnswersEarlierLinesBeforeRefusingTooLongOne()
    {
        ProtocolRun run = RunEverySplit("ok\n0123456789abc\nlater\n", maxLineLength: 8);

        Assert.Equal("OK\nERR line too long\n", run.OutputText);
        Assert.True(run.ClosedBeforeEndOfStream);
    }

    [Fact]
    public void RefusesTooLongLineBeforeItsNewlineArrives()
    {
        var lines = new LinesProtocol();
        var output = new ArrayBufferWriter<byte>();
        byte[] partial = new byte[LinesProtocol.DefaultMaxLineLength + 2];
        partial.AsSpan().Fill((byte)'a');

        var step = lines.Process(new ReadOnlySequence<byte>(partial), endOfStream: false, output);

        Assert.True(step.Close);
        Assert.Equal("ERR line too long\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WaitsForMoreWhileUnderTheLimit()
    {
        var lines = new LinesProtocol();
        var output = new ArrayBufferWriter<byte>();
        byte[] partial = new byte[LinesProtocol.DefaultMaxLineLength];
        partial.AsSpan().Fill((byte)'a');

        var step = lines.Process(new ReadOnlySequence<byte>(partial), endOfStream: false, output);

        Assert.Equal(0, step.Consumed);
        Assert.False(step.Close);
        Assert.Equal(0, output.WrittenCount);
        Assert.False(lines.AtRequestBoundary);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, (byte)'\n' })]
    [InlineData(new byte[] { (byte)'h', 0xC3, (byte)'\n' })] // truncated two-byte sequence
    [InlineData(new byte[] { 0xC0, 0xAF, (byte)'\n' })] // overlong encoding of '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80, (byte)'\n' })] // encoded surrogate
    public void InvalidUtf8IsReportedAndTheConnectionGoesOn(byte[] badLine)
    {
        byte[] input = [.. badLine, .. "next\n"u8];

        ProtocolRun run = ProtocolDriver.RunEverySplit(() => new LinesProtocol(), input);

        Assert.Equal("ERR invalid UTF-8\nNEXT\n", run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
    }

    [Fact]
    public void ManyLinesInOneReadAreAllAnswered()
    {
        string input = string.Concat(Enumerable.Range(0, 20).Select(i => $"line {i}\n"));

        ProtocolRun run = RunEverySplit(input);

        Assert.Equal(input.ToUpperInvariant(), run.OutputText);
    }

    [Fact]
    public void TracksRequestBoundary()
    {
        var lines = new LinesProtocol();
        var output = new ArrayBufferWriter<byte>();
        Assert.True(lines.AtRequestBoundary);

        var step = lines.Process(new ReadOnlySequence<byte>("one\ntw"u8.ToArray()), endOfStream: false, output);
        Assert.Equal(4, step.Consumed);
        Assert.False(lines.AtRequestBoundary);

        lines.Process(new ReadOnlySequence<byte>("two\n"u8.ToArray()), endOfStream: false, output);
        Assert.True(lines.AtRequestBoundary);
    }

    [Fact]
    public void RejectsNonPositiveLimit()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinesProtocol(0));
    }
}
