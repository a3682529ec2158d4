using NetKit.Configuration;

namespace NetKit.Tests.Configuration;

/// <summary>Redis's memtoull, as redis-server 7.0.15 reads a size in redis.conf and CONFIG SET.</summary>
public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1500", 1500L)]
    [InlineData("7b", 7L)]
    [InlineData("7B", 7L)]
    [InlineData("1k", 1000L)]
    [InlineData("1K", 1000L)]
    [InlineData("1kb", 1024L)]
    [InlineData("1Kb", 1024L)]
    [InlineData("1KB", 1024L)]
    [InlineData("2m", 2_000_000L)]
    [InlineData("2mb", 2L << 20)]
    [InlineData("2MB", 2L << 20)]
    [InlineData("3g", 3_000_000_000L)]
    [InlineData("3gB", 3L << 30)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Units_AreRedis_AnyCase(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out long bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mb")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.5mb")]
    [InlineData(" 1mb")]
    [InlineData("1 mb")]
    [InlineData("1mb ")]
    [InlineData("1t")]
    [InlineData("1tb")]
    [InlineData("1bb")]
    [InlineData("1kib")]
    [InlineData("1x")]
    [InlineData("9223372036854775808")]
    [InlineData("9007199254740993kb")]
    public void NotASize_IsRefused(string text)
    {
        Assert.False(ByteSize.TryParse(text, out long bytes));
        Assert.Equal(0, bytes);
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(1500L, "1500")]
    [InlineData(1024L, "1kb")]
    [InlineData(512L << 20, "512mb")]
    [InlineData(3L << 30, "3gb")]
    [InlineData((1L << 30) + 1024, "1048577kb")]
    public void Format_IsTheShortestExactSpelling_AndReadsBack(long bytes, string expected)
    {
        Assert.Equal(expected, ByteSize.Format(bytes));
        Assert.True(ByteSize.TryParse(ByteSize.Format(bytes), out long back));
        Assert.Equal(bytes, back);
    }
}
