using System.Buffers;
using System.Net;
using System.Text;
using NetKit.Protocols;
using NetKit.KeyValue;
using NetKit.Tests.KeyValue.Server;
using NetKit.Tests.Transport;
using NetKit.Connections;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// With a password set, a client that has not authenticated may announce at most 10 arguments and bulk
/// strings of at most 16,384 bytes, as in Redis since CVE-2021-32675: anything larger is refused at its
/// header, before its data is buffered, with Redis's wording, and the connection is closed.
/// </summary>
public class UnauthenticatedLimitTests
{
    private const string Password = "s3cret";

    private static KeyValueDatabase WithPassword() => new(new KeyValueOptions { RequirePass = Password });

    private static (ProtocolStep Step, string Output) Process(KeyValueProtocol protocol, byte[] input)
    {
        var output = new ArrayBufferWriter<byte>();
        ProtocolStep step = protocol.Process(new ReadOnlySequence<byte>(input), false, output);
        return (step, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void MoreThanTenArguments_IsRefusedAtTheHeader()
    {
        using var database = WithPassword();
        using var protocol = new KeyValueProtocol(database);

        var (step, output) = Process(protocol, "*11\r\n"u8.ToArray());

        Assert.Equal("-ERR Protocol error: unauthenticated multibulk length\r\n", output);
        Assert.True(step.Close);
    }

    [Fact]
    public void ABulkOfMoreThan16KiB_IsRefusedAtItsHeader()
    {
        using var database = WithPassword();
        using var protocol = new KeyValueProtocol(database);

        var (step, output) = Process(protocol, "*2\r\n$4\r\nAUTH\r\n$16385\r\n"u8.ToArray());

        Assert.Equal("-ERR Protocol error: unauthenticated bulk length\r\n", output);
        Assert.True(step.Close);
    }

    [Fact]
    public void AtTheLimits_TheRequestIsTakenAndAnsweredNoAuth()
    {
        using var database = WithPassword();
        using var protocol = new KeyValueProtocol(database);
        var args = new string[10];
        args[0] = "SET";
        args[1] = "k";
        args[2] = new string('v', 16 * 1024);
        for (int i = 3; i < args.Length; i++)
        {
            args[i] = "x";
        }

        var (step, output) = Process(protocol, RespCommandRunner.Encode(args));

        Assert.Equal("-NOAUTH Authentication required.\r\n", output);
        Assert.False(step.Close);
    }

    [Fact]
    public void AfterAuth_TheLimitsAreLifted_EvenForTheNextRequestOfTheSamePipeline()
    {
        using var database = WithPassword();
        using var protocol = new KeyValueProtocol(database);
        string big = new('v', 100_000);
        byte[] pipeline = [.. RespCommandRunner.Encode("AUTH", Password), .. RespCommandRunner.Encode("SET", "k", big),
            .. RespCommandRunner.Encode("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6")];

        var (step, output) = Process(protocol, pipeline);

        Assert.Equal("+OK\r\n+OK\r\n+OK\r\n", output);
        Assert.Equal(pipeline.Length, step.Consumed);
        Assert.False(step.Close);
    }

    [Fact]
    public void WithoutAPassword_ThereAreNoSuchLimits()
    {
        using var runner = new RespCommandRunner();
        string big = new('v', 100_000);

        Assert.Equal("+OK\r\n", runner.Run("SET", "k", big));
        Assert.Equal("+OK\r\n", runner.Run("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6"));
    }

    [Fact]
    public void AnInlineLineBeforeAuth_IsBoundedByTheLineLimit()
    {
        using var database = WithPassword();
        using var protocol = new KeyValueProtocol(database);

        var (step, output) = Process(protocol, Encoding.ASCII.GetBytes(new string('A', KeyValueProtocol.DefaultMaxLineLength + 1)));

        Assert.Equal("ERR line too long\n", output);
        Assert.True(step.Close);
    }

    [Theory]
    [InlineData("*100\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n")]
    [InlineData("*1\r\n$100000000\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n")]
    public async Task OverTheWire_TheOversizedHeaderIsAnsweredAndTheConnectionClosed(string header, string expected)
    {
        await using var server = KvTestServer.StartWithPassword(Password);
        var endPoint = new IPEndPoint(IPAddress.Loopback, server.Port);
        using (var client = await LoopbackClient.ConnectAsync(endPoint))
        {
            await client.SendAsync(header);
            await client.ExpectAsync(expected);
            await client.ExpectClosedAsync(allowReset: true);
        }

        using var next = await LoopbackClient.ConnectAsync(endPoint);
        await next.SendAsync(Encoding.ASCII.GetString(RespCommandRunner.Encode("AUTH", Password)) + Encoding.ASCII.GetString(RespCommandRunner.Encode("PING")));
        await next.ExpectAsync("+OK\r\n+PONG\r\n");
    }
}
