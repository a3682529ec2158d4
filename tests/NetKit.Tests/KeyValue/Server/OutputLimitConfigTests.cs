using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>CONFIG GET and SET of client-output-buffer-limit, answered as redis-server 7.0.15 answers them.</summary>
public class OutputLimitConfigTests
{
    private const string Failed = "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";

    [Fact]
    public void Set_ChangesTheClassesItNames_AndGetReadsThemBack()
    {
        using var client = new RespCommandRunner();
        Assert.Equal(Array("client-output-buffer-limit", "normal 0 1048576 60 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
            client.Run("CONFIG", "GET", "client-output-buffer-limit"));

        Assert.Equal("+OK\r\n", client.Run("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb 10"));

        Assert.Equal(Array("client-output-buffer-limit", "normal 0 1048576 60 slave 268435456 67108864 60 pubsub 1048576 524288 10"),
            client.Run("CONFIG", "GET", "client-output-buffer-limit"));
    }

    [Fact]
    public void Set_OfEveryClass_AsRedisWritesItsDefault()
    {
        using var client = new RespCommandRunner();
        Assert.Equal("+OK\r\n", client.Run("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60"));
        Assert.Equal(Array("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
            client.Run("CONFIG", "GET", "client-output-buffer-limit"));
    }

    [Theory]
    [InlineData("pubsub 1mb 512kb", "Wrong number of arguments in buffer limit configuration.")]
    [InlineData("foo 1mb 512kb 1", "Invalid client class specified in buffer limit configuration.")]
    [InlineData("normal 1x 512kb 1", "Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    [InlineData("0 1mb 60", "Wrong number of arguments in buffer limit configuration.")]
    public void Set_RefusesWhatRedisRefuses_ChangingNothing(string value, string reason)
    {
        using var client = new RespCommandRunner();
        string before = client.Run("CONFIG", "GET", "client-output-buffer-limit");

        Assert.Equal(Failed + reason + "\r\n", client.Run("CONFIG", "SET", "client-output-buffer-limit", value));
        Assert.Equal(before, client.Run("CONFIG", "GET", "client-output-buffer-limit"));
    }
}
