using System.Buffers;
using System.Text;
using NetKit.Protocols;
using NetKit.KeyValue;
using NetKit.Tests.Protocols;
using NetKit.Connections;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// One call of the kv core writes at most its output budget plus one reply, then stops with
/// <see cref="ProtocolStep.OutputFull"/> so the transport sends (waiting for the peer to read) before the
/// rest of a pipeline is executed: a client that pipelines GETs of a large value and never reads cannot
/// make the server build all their replies at once. Driven as the transports drive it, the replies are
/// byte for byte what they were.
/// </summary>
public class OutputBudgetTests
{
    private const int Budget = 64 * 1024;

    private static byte[] Repeat(byte[] request, int times)
    {
        var all = new byte[request.Length * times];
        for (int i = 0; i < times; i++)
        {
            request.CopyTo(all, i * request.Length);
        }

        return all;
    }

    private static KeyValueDatabase WithValue(int length, KeyValueOptions? options = null)
    {
        var database = new KeyValueDatabase(options ?? new KeyValueOptions());
        database.Store.Set("k"u8, Enumerable.Repeat((byte)'x', length).ToArray());
        return database;
    }

    [Fact]
    public void TheDefaultBudget_Is64KiB() => Assert.Equal(Budget, new KeyValueOptions().MaxOutputPerCall);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PipelinedGetsOfABigValue_GiveTheSameRepliesAsBefore(bool resp)
    {
        const int ValueLength = 100_000;
        const int Gets = 50;
        using var database = WithValue(ValueLength);
        byte[] get = resp ? RespCommandRunner.Encode("GET", "k") : "GET k\r\n"u8.ToArray();
        string value = new('x', ValueLength);
        string reply = resp ? $"${ValueLength}\r\n{value}\r\n" : value + "\n";
        byte[] ping = resp ? RespCommandRunner.Encode("PING") : "PING\r\n"u8.ToArray();
        byte[] input = [.. Repeat(get, Gets), .. ping];

        var run = ProtocolDriver.Run(new KeyValueProtocol(database), input.Chunk(7000));

        Assert.Equal(string.Concat(Enumerable.Repeat(reply, Gets)) + (resp ? "+PONG\r\n" : "PONG\n"), run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
    }

    [Theory]
    [InlineData(false, 1024 * 1024)]
    [InlineData(true, 1024 * 1024)]
    [InlineData(false, 100)]
    [InlineData(true, 100)]
    public void OneCallWithATwentyThousandGetPipeline_WritesAtMostTheBudgetPlusOneReply(bool resp, int valueLength)
    {
        using var database = WithValue(valueLength);
        using var protocol = new KeyValueProtocol(database);
        byte[] get = resp ? RespCommandRunner.Encode("GET", "k") : "GET k\n"u8.ToArray();
        int replyLength = resp ? $"${valueLength}\r\n".Length + valueLength + 2 : valueLength + 1;
        byte[] pipeline = Repeat(get, 20_000);
        var output = new ArrayBufferWriter<byte>();

        ProtocolStep step = protocol.Process(new ReadOnlySequence<byte>(pipeline), false, output);

        Assert.True(step.OutputFull);
        Assert.False(step.Close);
        Assert.InRange(output.WrittenCount, Budget, Budget + replyLength);
        Assert.Equal(0, step.Consumed % get.Length);
        Assert.Equal(output.WrittenCount, step.Consumed / get.Length * replyLength);
    }

    [Fact]
    public void BudgetSpentByTheLastRequestOfTheInput_IsNotFull()
    {
        using var database = WithValue(Budget);
        using var protocol = new KeyValueProtocol(database);
        byte[] get = RespCommandRunner.Encode("GET", "k");
        var output = new ArrayBufferWriter<byte>();

        ProtocolStep step = protocol.Process(new ReadOnlySequence<byte>(get), false, output);

        Assert.False(step.OutputFull);
        Assert.Equal(get.Length, step.Consumed);
    }

    [Fact]
    public void AFirstReplyLargerThanTheBudget_IsStillWrittenWhole()
    {
        using var database = WithValue(Budget * 3);
        using var protocol = new KeyValueProtocol(database);
        byte[] get = RespCommandRunner.Encode("GET", "k");
        var output = new ArrayBufferWriter<byte>();

        ProtocolStep step = protocol.Process(new ReadOnlySequence<byte>([.. get, .. get]), false, output);

        Assert.True(step.OutputFull);
        Assert.Equal(get.Length, step.Consumed);
        Assert.Equal($"${Budget * 3}\r\n".Length + (Budget * 3) + 2, output.WrittenCount);
    }

    [Fact]
    public void ATinyBudget_StopsAfterEveryRequest_AndTheRepliesAreTheSameAtEverySplit()
    {
        string input = Encoding.ASCII.GetString(RespCommandRunner.Encode("SET", "a", "1")) + "GET a\r\n"
            + Encoding.ASCII.GetString(RespCommandRunner.Encode("GET", "a")) + "\r\nPING\nQUIT\r\nPING\r\n";
        var database = new KeyValueDatabase(new KeyValueOptions { MaxOutputPerCall = 1 });

        var run = ProtocolDriver.RunEverySplit(() => new KeyValueProtocol(database), input);

        // Inline after RESP is answered in RESP; QUIT then replies +OK before the close, as Redis.
        Assert.Equal("+OK\r\n$1\r\n1\r\n$1\r\n1\r\n+PONG\r\n+OK\r\n", run.OutputText);
        Assert.True(run.ClosedBeforeEndOfStream);
    }

    [Fact]
    public void ABudgetOfZero_IsRefused()
    {
        var database = new KeyValueDatabase(new KeyValueOptions { MaxOutputPerCall = 0 });

        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyValueProtocol(database));
    }
}
