using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// CLIENT REPLY ON|OFF|SKIP as redis-server 7.0.15 answers it (each exchange below was read from it): OFF drops
/// every reply, errors included, until ON, which is answered; SKIP drops the next command's reply only; pub/sub
/// confirmations and messages still reach a client whose replies are off.
/// </summary>
public class ClientReplyTests
{
    [Fact]
    public void Off_DropsEveryReply_UntilOn()
    {
        using var client = new RespCommandRunner();

        Assert.Equal(string.Empty, client.Run("CLIENT", "REPLY", "OFF"));
        Assert.Equal(string.Empty, client.Run("SET", "k", "v"));
        Assert.Equal(string.Empty, client.Run("GET", "k"));
        Assert.Equal(string.Empty, client.Run("NOPE"));
        Assert.Equal(string.Empty, client.Run("CLIENT", "REPLY", "SKIP"));
        Assert.Equal("+OK\r\n", client.Run("CLIENT", "REPLY", "ON"));
        Assert.Equal("$1\r\nv\r\n", client.Run("GET", "k"));
    }

    [Fact]
    public void Skip_DropsTheNextReplyOnly_ASkipSkippedIncluded()
    {
        using var client = new RespCommandRunner();
        client.Run("SET", "k", "v");

        Assert.Equal(string.Empty, client.Run("CLIENT", "REPLY", "SKIP"));
        Assert.Equal(string.Empty, client.Run("GET", "k"));
        Assert.Equal("$1\r\nv\r\n", client.Run("GET", "k"));
        // The second SKIP is itself skipped, and mutes the GET after it.
        Assert.Equal("+PONG\r\n", Text(client.Send([.. Encode("CLIENT", "REPLY", "SKIP"), .. Encode("CLIENT", "REPLY", "SKIP"), .. Encode("GET", "k"), .. Encode("PING")])));
    }

    [Theory]
    [InlineData(new[] { "CLIENT", "REPLY", "bad" }, "-ERR syntax error\r\n")]
    [InlineData(new[] { "CLIENT", "REPLY" }, "-ERR wrong number of arguments for 'client|reply' command\r\n")]
    [InlineData(new[] { "CLIENT", "REPLY", "ON", "x" }, "-ERR wrong number of arguments for 'client|reply' command\r\n")]
    public void BadArguments_AreRedisErrors(string[] command, string reply)
    {
        using var client = new RespCommandRunner();
        Assert.Equal(reply, client.Run(command));
    }

    [Fact]
    public void MutedSubscriber_StillGetsConfirmationsAndMessages()
    {
        using var subscriber = new RespCommandRunner();
        using var publisher = new RespCommandRunner(subscriber.Database);
        subscriber.Run("CLIENT", "REPLY", "OFF");

        Assert.Equal("*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n", subscriber.Run("PSUBSCRIBE", "*"));
        Assert.Equal(string.Empty, subscriber.Run("PING"));
        Assert.Equal(":1\r\n", publisher.Run("PUBLISH", "ch", "hi"));
        Assert.Equal("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$2\r\nch\r\n$2\r\nhi\r\n" + "*3\r\n$12\r\npunsubscribe\r\n$1\r\n*\r\n:0\r\n",
            subscriber.Run("PUNSUBSCRIBE"));
    }

    [Fact]
    public void InlineCommands_AreMutedToo()
    {
        using var client = new RespCommandRunner();
        Assert.Equal(string.Empty, client.RunInline("CLIENT REPLY OFF"));
        Assert.Equal(string.Empty, client.RunInline("GET k"));
        Assert.Equal("OK\n", client.RunInline("CLIENT REPLY ON"));
    }

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
