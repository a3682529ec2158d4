using System.Buffers;
using System.Text;
using NetKit.Protocols;
using NetKit.KeyValue;
using NetKit.Tests.Protocols;
using NetKit.Connections;

using NetKit.Tests.Transport;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// RESP2 on the kv port as a byte stream: every request split at every offset gives the same replies,
/// pipelines are answered in order, binary values survive, and hostile input gets Redis's protocol error
/// and a close — while the server keeps serving everyone else (each malformed case ends with a PING on a
/// fresh connection that must get PONG).
/// </summary>
public class RespFramingTests
{
    private static string Resp(params string[] args) => Encoding.UTF8.GetString(RespCommandRunner.Encode(args.Select(Encoding.UTF8.GetBytes).ToArray()));

    private static ProtocolRun RunEverySplit(string input, KeyValueDatabase? database = null)
    {
        database ??= new KeyValueDatabase();
        return ProtocolDriver.RunEverySplit(() => new KeyValueProtocol(database), input);
    }

    [Fact]
    public void SetThenGet_SplitAtEveryOffset()
    {
        var run = RunEverySplit(Resp("SET", "key", "hello world") + Resp("GET", "key") + Resp("GET", "missing"));

        Assert.Equal("+OK\r\n$11\r\nhello world\r\n$-1\r\n", run.OutputText);
        Assert.False(run.ClosedBeforeEndOfStream);
    }

    [Fact]
    public void InlineAndRespMixInOneStream_InlineIsTextOnlyUntilTheFirstRespRequest()
    {
        var run = RunEverySplit("SET a 1\n" + Resp("GET", "a") + "GET a\r\n" + Resp("PING"));

        Assert.Equal("OK\n$1\r\n1\r\n$1\r\n1\r\n+PONG\r\n", run.OutputText);
    }

    [Fact]
    public void BinaryValuesWithCrLfInside_AreStoredWhole()
    {
        using var runner = new RespCommandRunner();
        byte[] value = [0, 13, 10, 255, 42, 13, 10];
        Assert.Equal("+OK\r\n", Encoding.ASCII.GetString(runner.RunBytes("SET"u8.ToArray(), "bin"u8.ToArray(), value)));

        byte[] reply = runner.RunBytes("GET"u8.ToArray(), "bin"u8.ToArray());

        Assert.Equal([.. "$7\r\n"u8.ToArray(), .. value, .. "\r\n"u8.ToArray()], reply);
    }

    [Fact]
    public void APipelineOfAThousandRequests_IsAnsweredInOrderInOneCall()
    {
        var input = new StringBuilder();
        var expected = new StringBuilder();
        for (int i = 0; i < 1000; i++)
        {
            input.Append(Resp("SET", $"k{i}", $"v{i}")).Append(Resp("GET", $"k{i}"));
            expected.Append("+OK\r\n").Append($"${$"v{i}".Length}\r\nv{i}\r\n");
        }

        var protocol = new KeyValueProtocol(new KeyValueDatabase());
        var output = new ArrayBufferWriter<byte>();
        byte[] bytes = Encoding.UTF8.GetBytes(input.ToString());

        ProtocolStep step = protocol.Process(new ReadOnlySequence<byte>(bytes), false, output);

        Assert.Equal(bytes.Length, step.Consumed);
        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void EmptyMultibulk_IsSkippedWithoutReply()
    {
        Assert.Equal("+PONG\r\n", RunEverySplit("*0\r\n" + Resp("PING")).OutputText);
    }

    [Fact]
    public void QuitInResp_RepliesOkAndClosesBeforeLaterRequests()
    {
        var run = RunEverySplit(Resp("QUIT") + Resp("SET", "after", "x"));

        Assert.Equal("+OK\r\n", run.OutputText);
        Assert.True(run.ClosedBeforeEndOfStream);
    }

    [Theory]
    [InlineData("*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*2\r\n$3\r\nGET\r\n$999999999999\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*99999999999\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*1\r\n+PING\r\n", "-ERR Protocol error: expected '$', got '+'\r\n")]
    [InlineData("*1\r\n$4\r\nPINGxx", "-ERR Protocol error: expected '\\r\\n' after bulk string\r\n")]
    public void MalformedRequests_GetAProtocolErrorAndClose_ServerKeepsServing(string hostile, string expected)
    {
        var database = new KeyValueDatabase();
        var run = ProtocolDriver.RunEverySplit(() => new KeyValueProtocol(database), hostile + Resp("SET", "never", "stored"));

        Assert.Equal(expected, run.OutputText);
        Assert.True(run.Closed);
        Assert.False(database.Store.ContainsKey("never"u8));
        using var next = new RespCommandRunner(database);
        Assert.Equal("+PONG\r\n", next.Run("PING"));
    }

    [Fact]
    public void BulkLongerThanTheConfiguredLimit_IsRefusedBeforeItIsBuffered()
    {
        var database = new KeyValueDatabase(new KeyValueOptions { MaxBulkLength = 16 });
        var protocol = new KeyValueProtocol(database);
        var output = new ArrayBufferWriter<byte>();

        // Only the header has arrived: the announced length alone is enough to refuse it.
        var step = protocol.Process(new ReadOnlySequence<byte>("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$17\r\n"u8.ToArray()), false, output);

        Assert.True(step.Close);
        Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public void ArrayLongerThanTheConfiguredLimit_IsRefused()
    {
        var database = new KeyValueDatabase(new KeyValueOptions { MaxArrayLength = 4 });
        using var runner = new RespCommandRunner(database);

        Assert.Equal("-ERR Protocol error: invalid multibulk length\r\n", Encoding.ASCII.GetString(runner.Send("*5\r\n"u8.ToArray())));
        Assert.True(runner.Closed);
    }

    [Fact]
    public void AnnouncedButUnsentArguments_DoNotAllocateTheirCount()
    {
        var protocol = new KeyValueProtocol(new KeyValueDatabase());
        var output = new ArrayBufferWriter<byte>();
        byte[] header = "*1000000\r\n$3\r\nSET\r\n"u8.ToArray();
        protocol.Process(new ReadOnlySequence<byte>(header), false, output);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var step = protocol.Process(new ReadOnlySequence<byte>(header), false, output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, step.Consumed);
        Assert.False(step.Close);
        Assert.True(allocated < 1024, $"waiting for a 1,000,000-argument request allocated {allocated} bytes");
    }

    [Fact]
    public void RequestCutByEndOfStream_IsNotExecuted()
    {
        var database = new KeyValueDatabase();
        var run = ProtocolDriver.Run(new KeyValueProtocol(database), ["*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n"u8.ToArray()]);

        Assert.Equal("", run.OutputText);
        Assert.True(run.Closed);
        Assert.False(database.Store.ContainsKey("k"u8));
    }

    [Fact]
    public void RandomBytes_NeverThrow_AndTheDatabaseStillServes()
    {
        // A small deterministic fuzz: random garbage, random RESP-looking garbage, random splits.
        var random = new Random(20261125);
        var database = new KeyValueDatabase(new KeyValueOptions { MaxBulkLength = 1024, MaxArrayLength = 64 });
        var twinDatabase = new KeyValueDatabase(new KeyValueOptions { MaxBulkLength = 1024, MaxArrayLength = 64 });
        string[] pieces = ["*", "$", "\r\n", "\n", "-1", "0", "3", "99", "SET", "GET", "PING", "k", "v", " ", "\r", "\xff"];
        for (int round = 0; round < 2000; round++)
        {
            var bytes = new List<byte>();
            int parts = random.Next(1, 12);
            for (int i = 0; i < parts; i++)
            {
                if (random.Next(4) == 0)
                {
                    var junk = new byte[random.Next(1, 8)];
                    random.NextBytes(junk);
                    bytes.AddRange(junk);
                }
                else
                {
                    bytes.AddRange(Encoding.Latin1.GetBytes(pieces[random.Next(pieces.Length)]));
                }
            }

            byte[] input = [.. bytes];
            int cut = random.Next(input.Length + 1);
            var run = ProtocolDriver.Run(new KeyValueProtocol(database), [input[..cut], input[cut..]]);

            // Wherever TCP cuts it, the same bytes get the same answer: run it whole on a twin database.
            var twin = ProtocolDriver.Run(new KeyValueProtocol(twinDatabase), [input]);
            Assert.True(run.Output.AsSpan().SequenceEqual(twin.Output),
                $"round {round}, cut at {cut}: {LoopbackClient.Escape(run.Output)} against {LoopbackClient.Escape(twin.Output)} whole");
        }

        using var check = new RespCommandRunner(database);
        Assert.Equal("+PONG\r\n", check.Run("PING"));
    }
}
