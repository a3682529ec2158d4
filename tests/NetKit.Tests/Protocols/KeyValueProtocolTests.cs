using System.Buffers;
using System.Text;
using NetKit.KeyValue;

namespace NetKit.Tests.Protocols;

public class KeyValueProtocolTests
{
    private static ProtocolRun RunEverySplit(string input, int maxLineLength = KeyValueProtocol.DefaultMaxLineLength) =>
        ProtocolDriver.RunEverySplit(() => new KeyValueProtocol(new KeyValueStore(), maxLineLength), input);

    [Fact]
    public void SetThenGet()
    {
        ProtocolRun run = RunEverySplit("SET a 1\nGET a\n");

        Assert.Equal("OK\n1\n", run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
    }

    [Fact]
    public void ValueIsEverythingAfterTheSecondSpace()
    {
        Assert.Equal("OK\nhello world\n", RunEverySplit("SET greeting hello world\nGET greeting\n").OutputText);
        Assert.Equal("OK\n  padded  \n", RunEverySplit("SET k   padded  \nGET k\n").OutputText);
    }

    [Fact]
    public void AcceptsCarriageReturnNewline()
    {
        Assert.Equal("OK\na b\n", RunEverySplit("SET k a b\r\nGET k\r\n").OutputText);
    }

    [Fact]
    public void CommandWordsIgnoreCase()
    {
        Assert.Equal("OK\nv\nOK\nw\n", RunEverySplit("set k v\nGeT k\nSeT k w\nget k\n").OutputText);
    }

    [Fact]
    public void KeysAreCaseSensitive()
    {
        Assert.Equal("OK\n(nil)\n", RunEverySplit("SET k v\nGET K\n").OutputText);
    }

    [Fact]
    public void MissingKeyIsNil()
    {
        Assert.Equal("(nil)\n", RunEverySplit("GET missing\n").OutputText);
    }

    [Fact]
    public void SetOverwrites()
    {
        Assert.Equal("OK\nOK\nsecond\n", RunEverySplit("SET k first\nSET k second\nGET k\n").OutputText);
    }

    [Fact]
    public void SkipsExtraSpacesBeforeTheKey()
    {
        Assert.Equal("OK\nv\n", RunEverySplit("SET   k v\nGET    k\n").OutputText);
    }

    [Theory]
    [InlineData("SET\n")]
    [InlineData("SET \n")]
    [InlineData("SET k\n")]
    [InlineData("SET k \n")]
    [InlineData("set k\r\n")]
    public void SetUsageErrors(string input)
    {
        ProtocolRun run = RunEverySplit(input);

        Assert.Equal("ERR usage: SET <key> <value>\n", run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
    }

    [Theory]
    [InlineData("GET\n")]
    [InlineData("GET \n")]
    [InlineData("GET a b\n")]
    [InlineData("get a  b\r\n")]
    public void GetUsageErrors(string input)
    {
        ProtocolRun run = RunEverySplit(input);

        Assert.Equal("ERR usage: GET <key>\n", run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
    }

    [Theory]
    [InlineData("FOO\n")]
    [InlineData("GETX a\n")]
    [InlineData("FROB a\n")]
    [InlineData("SETS a b\n")]
    public void UnknownCommands(string input)
    {
        ProtocolRun run = RunEverySplit(input);

        Assert.Equal("ERR unknown command\n", run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
    }

    [Fact]
    public void ErrorsDoNotEndTheSession()
    {
        Assert.Equal("ERR unknown command\nERR usage: GET <key>\nOK\nv\n", RunEverySplit("nope\nGET\nSET k v\nGET k\n").OutputText);
    }

    [Fact]
    public void EmptyLinesGetNoReply()
    {
        Assert.Equal("(nil)\n", RunEverySplit("\n\r\n   \nGET a\n\n").OutputText);
    }

    [Theory]
    [InlineData("QUIT\n")]
    [InlineData("quit\r\n")]
    [InlineData("Quit")]
    public void QuitClosesWithoutReply(string input)
    {
        ProtocolRun run = RunEverySplit(input);

        Assert.Equal("", run.OutputText);
        Assert.True(run.Closed);
    }

    [Fact]
    public void QuitStopsProcessingLaterLines()
    {
        var store = new KeyValueStore();

        ProtocolRun run = ProtocolDriver.RunEverySplit(() => new KeyValueProtocol(store), "SET a 1\nQUIT\nSET b 2\nGET a\n");

        Assert.Equal("OK\n", run.OutputText);
        Assert.True(run.ClosedBeforeEndOfStream);
        Assert.True(store.TryGet("a"u8, out _));
        Assert.False(store.TryGet("b"u8, out _));
    }

    [Fact]
    public void ExecutesFinalLineWithoutNewline()
    {
        Assert.Equal("OK\n1\n", RunEverySplit("SET a 1\nGET a").OutputText);
    }

    [Fact]
    public void AnswersEveryPipelinedCommandInOrder()
    {
        var input = new StringBuilder();
        var expected = new StringBuilder();
        for (int i = 0; i < 30; i++)
        {
            input.Append($"SET key{i} value {i}\r\n");
            expected.Append("OK\n");
        }

        for (int i = 29; i >= 0; i--)
        {
            input.Append($"GET key{i}\r\n");
            expected.Append($"value {i}\n");
        }

        input.Append("GET nope\r\n");
        expected.Append("(nil)\n");

        // Whole input first: all replies must come out of the single call.
        var protocol = new KeyValueProtocol(new KeyValueStore());
        var output = new ArrayBufferWriter<byte>();
        byte[] bytes = Encoding.UTF8.GetBytes(input.ToString());
        var step = protocol.Process(new ReadOnlySequence<byte>(bytes), endOfStream: false, output);
        Assert.Equal(bytes.Length, step.Consumed);
        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(output.WrittenSpan));

        Assert.Equal(expected.ToString(), RunEverySplit(input.ToString()).OutputText);
    }

    [Theory]
    [InlineData("SET key 0123456789\n")]
    [InlineData("SET key 0123456789")]
    [InlineData("GET 0123456789abcdefgh\r\n")]
    public void RefusesTooLongLineAndCloses(string input)
    {
        ProtocolRun run = RunEverySplit("SET a 1\n" + input, maxLineLength: 16);

        Assert.Equal("OK\nERR line too long\n", run.OutputText);
        Assert.True(run.ClosedBeforeEndOfStream);
    }

    [Fact]
    public void AcceptsLineOfExactlyTheLimit()
    {
        Assert.Equal("OK\n01234567\n", RunEverySplit("SET key 01234567\r\nGET key\n", maxLineLength: 16).OutputText);
    }

    [Fact]
    public void ValuesAreBinarySafe()
    {
        byte[] input = [.. "SET bin "u8, 0x00, 0xFF, 0xC3, (byte)' ', 0x7F, .. "\nGET bin\n"u8];

        ProtocolRun run = ProtocolDriver.RunEverySplit(() => new KeyValueProtocol(new KeyValueStore()), input);

        Assert.Equal([.. "OK\n"u8, 0x00, 0xFF, 0xC3, (byte)' ', 0x7F, (byte)'\n'], run.Output);
    }

    [Fact]
    public void ConnectionsShareTheStore()
    {
        var store = new KeyValueStore();

        ProtocolRun first = ProtocolDriver.Run(new KeyValueProtocol(store), ["SET shared yes\n"u8.ToArray()]);
        ProtocolRun second = ProtocolDriver.Run(new KeyValueProtocol(store), ["GET shared\n"u8.ToArray()]);

        Assert.Equal("OK\n", first.OutputText);
        Assert.Equal("yes\n", second.OutputText);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void TracksRequestBoundary()
    {
        var protocol = new KeyValueProtocol(new KeyValueStore());
        var output = new ArrayBufferWriter<byte>();
        Assert.True(protocol.AtRequestBoundary);

        protocol.Process(new ReadOnlySequence<byte>("GET a\nGE"u8.ToArray()), endOfStream: false, output);
        Assert.False(protocol.AtRequestBoundary);

        protocol.Process(new ReadOnlySequence<byte>("GET b\n"u8.ToArray()), endOfStream: false, output);
        Assert.True(protocol.AtRequestBoundary);
    }
}
