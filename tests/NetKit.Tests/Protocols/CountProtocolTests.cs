using System.Buffers;
using NetKit.Protocols.Count;

namespace NetKit.Tests.Protocols;

public class CountProtocolTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(300)]
    public void AnswersTheTotalAtEndOfStream(int length)
    {
        byte[] input = new byte[length];
        new Random(length).NextBytes(input);

        ProtocolRun run = ProtocolDriver.RunEverySplit(() => new CountProtocol(), input);

        Assert.Equal($"{length}\n", run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
        Assert.True(run.ClosedAtEndOfStream);
    }

    [Fact]
    public void CountsAcrossManyReadsAndReportsOnce()
    {
        var totals = new List<long>();
        var count = new CountProtocol(totals.Add);
        byte[] chunk = new byte[4096];

        ProtocolRun run = ProtocolDriver.Run(count, Enumerable.Repeat(chunk, 250));

        Assert.Equal("1024000\n", run.OutputText);
        Assert.Equal(1_024_000, count.TotalBytes);
        Assert.Equal([1_024_000L], totals);
    }

    [Fact]
    public void TotalGrowsAsBytesArriveAndNothingIsWrittenBeforeTheEnd()
    {
        var count = new CountProtocol();
        var output = new ArrayBufferWriter<byte>();

        var step = count.Process(new ReadOnlySequence<byte>(new byte[7]), endOfStream: false, output);

        Assert.Equal(7, step.Consumed);
        Assert.False(step.Close);
        Assert.Equal(7, count.TotalBytes);
        Assert.Equal(0, output.WrittenCount);
        Assert.False(count.AtRequestBoundary);
    }
}
