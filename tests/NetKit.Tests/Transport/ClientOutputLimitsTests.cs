using NetKit.Connections;

namespace NetKit.Tests.Transport;

/// <summary>Redis's client-output-buffer-limit syntax, as redis-server 7.0.15 takes it in CONFIG SET (its errors included).</summary>
public class ClientOutputLimitsTests
{
    private static readonly ClientOutputLimits Start = ClientOutputLimits.Default;

    [Fact]
    public void Groups_ReplaceTheirClassOnly_SizesAsRedisReadsThem()
    {
        Assert.True(ClientOutputLimits.TryParse("pubsub 1mb 512kb 10  NORMAL 1k 2 3", Start, allowShortForm: false, out var limits, out _));

        Assert.Equal(new OutputBufferLimit(1000, 2, TimeSpan.FromSeconds(3)), limits.Normal);
        Assert.Equal(new OutputBufferLimit(1024 * 1024, 512 * 1024, TimeSpan.FromSeconds(10)), limits.Subscriber);
        Assert.Equal(Start.Replica, limits.Replica);
        Assert.Equal("normal 1000 2 3 slave 268435456 67108864 60 pubsub 1048576 524288 10", limits.ToString());
    }

    [Fact]
    public void Units_AnyCase_TheSecondsToo_AsRedisReadsThem()
    {
        Assert.True(ClientOutputLimits.TryParse("normal 1KB 1G 1k", Start, allowShortForm: false, out var limits, out _));

        Assert.Equal(new OutputBufferLimit(1024, 1_000_000_000, TimeSpan.FromSeconds(1000)), limits.Normal);
    }

    [Fact]
    public void ReplicaAndSlave_AreOneClass()
    {
        Assert.True(ClientOutputLimits.TryParse("replica 1 2 3", Start, allowShortForm: false, out var replica, out _));
        Assert.True(ClientOutputLimits.TryParse("slave 1 2 3", Start, allowShortForm: false, out var slave, out _));
        Assert.Equal(replica, slave);
    }

    [Fact]
    public void Default_IsRedisExceptTheNormalSoftMark()
    {
        Assert.Equal("normal 0 1048576 60 slave 268435456 67108864 60 pubsub 33554432 8388608 60", Start.ToString());
    }

    [Theory]
    [InlineData("pubsub 1mb 512kb", "Wrong number of arguments in buffer limit configuration.")]
    [InlineData("foo 1mb 512kb 1", "Invalid client class specified in buffer limit configuration.")]
    [InlineData("master 1 1 1", "Invalid client class specified in buffer limit configuration.")]
    [InlineData("normal 1x 512kb 1", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    [InlineData("normal 1 -1 1", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    [InlineData("normal 0 0 0 pubsub 1 1 x", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    public void Refused_AllOrNothing_WithRedisReason(string text, string reason)
    {
        Assert.False(ClientOutputLimits.TryParse(text, Start, allowShortForm: false, out var limits, out string? error));
        Assert.Equal(reason, error);
        Assert.Same(Start, limits);
    }

    [Fact]
    public void ShortForm_IsTheNormalClass_OnlyWhereAllowed()
    {
        Assert.True(ClientOutputLimits.TryParse("0 1mb 60", Start, allowShortForm: true, out var limits, out _));
        Assert.Equal(new OutputBufferLimit(0, 1024 * 1024, TimeSpan.FromSeconds(60)), limits.Normal);
        Assert.False(ClientOutputLimits.TryParse("0 1mb 60", Start, allowShortForm: false, out _, out string? error));
        Assert.Equal("Wrong number of arguments in buffer limit configuration.", error);
    }
}
