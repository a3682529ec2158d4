using System.Globalization;
using System.Text;
using NetKit.Protocols.Time;

namespace NetKit.Tests.Protocols;

public class TimeHandlerTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 34, 56, 789, TimeSpan.Zero);

    [Theory]
    [InlineData("TIME")]
    [InlineData("TIME\n")]
    [InlineData("TIME\r\n")]
    public void AnswersUnixSeconds(string request)
    {
        var handler = new TimeHandler(new FixedTimeProvider(Now));
        byte[] reply = new byte[65_507];

        int length = handler.Handle(Encoding.ASCII.GetBytes(request), reply);

        Assert.Equal(Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Encoding.ASCII.GetString(reply, 0, length));
        Assert.Equal(0, handler.DroppedCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("time")]
    [InlineData("TIME\r")]
    [InlineData("TIME\n\n")]
    [InlineData(" TIME")]
    [InlineData("TIMES")]
    [InlineData("GET x")]
    public void DropsAndCountsAnythingElse(string request)
    {
        var handler = new TimeHandler(new FixedTimeProvider(Now));

        int length = handler.Handle(Encoding.ASCII.GetBytes(request), new byte[65_507]);

        Assert.Equal(-1, length);
        Assert.Equal(1, handler.DroppedCount);
    }

    [Fact]
    public void CountsEveryDrop()
    {
        var handler = new TimeHandler();
        byte[] reply = new byte[65_507];

        Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => handler.Handle("x"u8, reply.AsSpan()));

        Assert.Equal(1000, handler.DroppedCount);
    }

    [Fact]
    public void DefaultsToTheSystemClock()
    {
        var handler = new TimeHandler();
        byte[] reply = new byte[65_507];

        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        int length = handler.Handle("TIME"u8, reply);
        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        long answered = long.Parse(Encoding.ASCII.GetString(reply, 0, length), CultureInfo.InvariantCulture);
        Assert.InRange(answered, before, after);
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
