using System.Text;
using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue;

/// <summary>Redis's inline rule: a connection that has spoken RESP gets RESP replies to its inline commands,
/// split as Redis splits them; one that never has keeps the seed's text protocol.</summary>
public class InlineRespTests
{
    private static string Send(RespCommandRunner runner, string bytes) => Encoding.UTF8.GetString(runner.Send(Encoding.UTF8.GetBytes(bytes)));

    [Fact]
    public void InlineOnlyConnectionKeepsTheSeedsText()
    {
        using var runner = new RespCommandRunner();
        Assert.Equal("OK\n", runner.RunInline("SET k hello world"));
        Assert.Equal("hello world\n(nil)\nERR unknown command\n", Send(runner, "GET k\nGET nothing\nFOO\n\n"));
    }

    [Fact]
    public void AfterARespRequestInlineCommandsGetRespReplies()
    {
        using var runner = new RespCommandRunner();
        Assert.Equal("+PONG\r\n", runner.Run("PING"));
        Assert.Equal("+OK\r\n$2\r\nv1\r\n$-1\r\n+PONG\r\n", Send(runner, "SET k1 v1\r\nGET k1\r\nGET none\r\nPING\r\n"));
        Assert.Equal("-ERR syntax error\r\n", Send(runner, "SET k hello world\r\n"));
        Assert.StartsWith("-ERR unknown command 'foo', with args beginning with: 'bar' ", Send(runner, "foo bar\r\n"), StringComparison.Ordinal);
        Assert.Equal(string.Empty, Send(runner, "\r\n   \r\n"));
    }

    [Fact]
    public void QuotingAsSdssplitargs()
    {
        using var runner = new RespCommandRunner();
        runner.Run("PING");
        Assert.Equal("+OK\r\n", Send(runner, "SET \"a key\" 'it''s'\r\n".Replace("''", "\\'", StringComparison.Ordinal)));
        Assert.Equal(RespCommandRunner.Bulk("it's"), runner.Run("GET", "a key"));
        Assert.Equal("+OK\r\n", Send(runner, "SET k \"\\x41\\x4a\\n\\tz\\q\"\r\n"));
        Assert.Equal(RespCommandRunner.Bulk("AJ\n\tzq"), runner.Run("GET", "k"));
        Assert.Equal("+OK\r\n", Send(runner, "SET mid a\"b c\"\r\n"));
        Assert.Equal(RespCommandRunner.Bulk("ab c"), runner.Run("GET", "mid"));
    }

    [Theory]
    [InlineData("SET k \"unterminated\r\n")]
    [InlineData("SET k 'unterminated\r\n")]
    [InlineData("SET k \"closed\"x\r\n")]
    public void UnbalancedQuotesCloseTheConnection(string line)
    {
        using var runner = new RespCommandRunner();
        runner.Run("PING");
        Assert.Equal("-ERR Protocol error: unbalanced quotes in request\r\n", Send(runner, line + "PING\r\n"));
        Assert.True(runner.Closed);
    }

    [Fact]
    public void RespInlineRepliesFromTheFirstByte()
    {
        using var database = new KeyValueDatabase(new KeyValueOptions { InlineReplies = InlineReplyMode.Resp });
        using var runner = new RespCommandRunner(database);
        Assert.Equal("+PONG\r\n+OK\r\n$2\r\nv1\r\n", Send(runner, "PING\r\nSET p1 v1\r\nGET p1\r\n"));
        Assert.Equal("+OK\r\n", Send(runner, "QUIT\r\n"));
        Assert.True(runner.Closed);
    }

    [Fact]
    public void TooLongInlineLineInRespIsRedisError()
    {
        using var database = new KeyValueDatabase(new KeyValueOptions { InlineReplies = InlineReplyMode.Resp, MaxLineLength = 16 });
        using var runner = new RespCommandRunner(database);
        Assert.Equal("-ERR Protocol error: too big inline request\r\n", Send(runner, new string('a', 40)));
    }
}
