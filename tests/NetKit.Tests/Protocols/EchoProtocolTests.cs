using System.Buffers;
using NetKit.Protocols.Echo;

namespace NetKit.Tests.Protocols;

public class EchoProtocolTests
{
    [Theory]
    [InlineData("hello")]
    [InlineData("hello\nworld\r\n")]
    [InlineData("héllo straße \0 binary")]
    public void EchoesEveryByteAndClosesAtEndOfStream(string text)
    {
        ProtocolRun run = ProtocolDriver.RunEverySplit(() => new EchoProtocol(), text);

        Assert.Equal(text, run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
        Assert.True(run.ClosedAtEndOfStream);
    }

    [Fact]
    public void EchoesBinaryBytes()
    {
        byte[] input = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        ProtocolRun run = ProtocolDriver.RunEverySplit(() => new EchoProtocol(), input);

        Assert.Equal(input, run.Output);
    }

    [Fact]
    public void EmptyStreamGetsNothingBack()
    {
        ProtocolRun run = ProtocolDriver.Run(new EchoProtocol(), []);

        Assert.Empty(run.Output);
        Assert.True(run.ClosedAtEndOfStream);
    }

    [Fact]
    public void ConsumesEverythingAndIsAlwaysAtABoundary()
    {
        var echo = new EchoProtocol();
        var output = new ArrayBufferWriter<byte>();

        var step = echo.Process(new ReadOnlySequence<byte>("abc"u8.ToArray()), endOfStream: false, output);

        Assert.Equal(3, step.Consumed);
        Assert.False(step.Close);
        Assert.True(echo.AtRequestBoundary);
    }
}
