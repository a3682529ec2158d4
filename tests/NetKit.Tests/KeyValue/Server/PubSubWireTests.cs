using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NetKit.KeyValue;
using NetKit.Tests.KeyValue.Persistence;
using NetKit.Tests.Transport;
using NetKit.Transport;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>
/// Pub/sub and CLIENT PAUSE over real loopback sockets, byte for byte, in every connection model: messages
/// reach an idle subscriber with no request of its own, a subscriber that never reads is cut at its limit
/// while the publisher and everyone else go on, and a paused write waits while reads are answered.
/// </summary>
public class PubSubWireTests
{
    public static TheoryData<ConnectionModel> Models => [ConnectionModel.Threads, ConnectionModel.Async, ConnectionModel.Epoll];

    private static async Task<KeyValueServer> StartAsync(ConnectionModel model, ILoggerFactory? logging = null) =>
        await KeyValueServer.StartAsync(new KeyValueServerOptions { Port = 0, Model = model }, logging);

    private static async Task<LoopbackClient> ConnectAsync(KeyValueServer server) => await LoopbackClient.ConnectAsync(server.EndPoint);

    private static Task SendAsync(LoopbackClient client, params string[] args) => client.SendAsync(Encode(args));

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Messages_ReachAnIdleSubscriber_ExactlyAsRedisSendsThem(ConnectionModel model)
    {
        await using var server = await StartAsync(model);
        using var subscriber = await ConnectAsync(server);
        using var publisher = await ConnectAsync(server);

        await SendAsync(subscriber, "SUBSCRIBE", "news", "sport");
        await subscriber.ExpectAsync("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$5\r\nsport\r\n:2\r\n");
        await SendAsync(subscriber, "PSUBSCRIBE", "n*");
        await subscriber.ExpectAsync("*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:3\r\n");

        await SendAsync(publisher, "PUBLISH", "news", "hello");
        await publisher.ExpectAsync(":2\r\n");
        await subscriber.ExpectAsync("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n"
                                     + "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
        await SendAsync(publisher, "PUBLISH", "sport", "goal");
        await publisher.ExpectAsync(":1\r\n");
        await subscriber.ExpectAsync("*3\r\n$7\r\nmessage\r\n$5\r\nsport\r\n$4\r\ngoal\r\n");

        await SendAsync(subscriber, "PING");
        await subscriber.ExpectAsync("*2\r\n$4\r\npong\r\n$0\r\n\r\n");
        await SendAsync(subscriber, "UNSUBSCRIBE", "news");
        await subscriber.ExpectAsync("*3\r\n$11\r\nunsubscribe\r\n$4\r\nnews\r\n:2\r\n");
        await SendAsync(publisher, "PUBLISH", "news", "again");
        await publisher.ExpectAsync(":1\r\n");
        await subscriber.ExpectAsync("*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nagain\r\n");

        await SendAsync(subscriber, "GET", "k");
        await subscriber.ExpectAsync("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
        await SendAsync(subscriber, "RESET");
        await subscriber.ExpectAsync("+RESET\r\n");
        await SendAsync(publisher, "PUBLISH", "news", "gone");
        await publisher.ExpectAsync(":0\r\n");
        await SendAsync(subscriber, "GET", "k");
        await subscriber.ExpectAsync("$-1\r\n");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task ManyMessages_FromSeveralPublishers_AllArrive_InEachPublishersOrder(ConnectionModel model)
    {
        const int publishers = 3, messages = 300;
        await using var server = await StartAsync(model);
        using var subscriber = await ConnectAsync(server);
        await SendAsync(subscriber, "SUBSCRIBE", "ch");
        await subscriber.ExpectAsync("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");

        var publishing = Enumerable.Range(0, publishers).Select(async p =>
        {
            using var publisher = await ConnectAsync(server);
            for (int n = 0; n < messages; n++)
            {
                await SendAsync(publisher, "PUBLISH", "ch", $"{p}:{n:D4}");
                await publisher.ExpectAsync(":1\r\n");
            }
        }).ToArray();

        string Message(string payload) => $"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$6\r\n{payload}\r\n";
        int length = Message("0:0000").Length;
        byte[] received = await subscriber.ReadExactlyAsync(publishers * messages * length);
        await Task.WhenAll(publishing).WithinAsync("the publishers");

        var next = new int[publishers];
        for (int at = 0; at < received.Length; at += length)
        {
            string message = System.Text.Encoding.ASCII.GetString(received, at, length);
            string payload = message[^8..^2];
            int p = payload[0] - '0';
            Assert.Equal(Message($"{p}:{next[p]++:D4}"), message);
        }

        Assert.All(next, count => Assert.Equal(messages, count));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task SubscriberThatNeverReads_IsCutAtTheHardLimit_WhileThePublisherAndOthersGoOn(ConnectionModel model)
    {
        var logger = new RecordingLogger();
        await using var server = await StartAsync(model, new RecordingLoggerFactory(logger));
        using var publisher = await ConnectAsync(server);
        using var bystander = await ConnectAsync(server);
        using var slow = await ConnectAsync(server);
        slow.Socket.ReceiveBufferSize = 4096; // so the kernel holds little of what it never reads

        // The limit set as an operator would, while the server runs: Redis's class syntax.
        await SendAsync(publisher, "CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 0 0");
        await publisher.ExpectAsync("+OK\r\n");
        await SendAsync(slow, "SUBSCRIBE", "firehose");
        await slow.ExpectAsync("*3\r\n$9\r\nsubscribe\r\n$8\r\nfirehose\r\n:1\r\n");

        // Each PUBLISH is answered at once whether or not the subscriber reads: at most 64 MiB, 10 s.
        string payload = new('x', 16 * 1024);
        var clock = Stopwatch.StartNew();
        int published = 0;
        while (published < 4096 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await SendAsync(publisher, "PUBLISH", "firehose", payload);
            byte[] reply = await publisher.ReadExactlyAsync(4);
            published++;
            if (reply.AsSpan().SequenceEqual(":0\r\n"u8))
            {
                break; // the subscriber is gone
            }

            Assert.Equal(":1\r\n", System.Text.Encoding.ASCII.GetString(reply));
        }

        Assert.True(published < 4096 && clock.Elapsed < TimeSpan.FromSeconds(10),
            $"the subscriber was not cut: {published} messages in {clock.Elapsed}");
        await TestServers.UntilAsync(() => server.Database.ConnectedClients == 2, "the cut subscriber's session ending");
        Assert.Contains(logger.Warnings, w => w.Contains("output buffer limit reached", StringComparison.Ordinal)
                                              && w.Contains("client-output-buffer-limit pubsub 262144 0 0", StringComparison.Ordinal));

        await SendAsync(bystander, "SET", "k", "v");
        await bystander.ExpectAsync("+OK\r\n");
        await SendAsync(publisher, "PUBSUB", "NUMSUB", "firehose");
        await publisher.ExpectAsync("*2\r\n$8\r\nfirehose\r\n:0\r\n");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task ClientPauseWrite_DelaysASet_NotAGet_UntilUnpause(ConnectionModel model)
    {
        await using var server = await StartAsync(model);
        using var admin = await ConnectAsync(server);
        using var writer = await ConnectAsync(server);
        using var reader = await ConnectAsync(server);
        await SendAsync(admin, "CLIENT", "PAUSE", "60000", "WRITE");
        await admin.ExpectAsync("+OK\r\n");

        await SendAsync(writer, "SET", "k", "v");
        await TestServers.UntilAsync(() => server.Database.Pause.HeldCount == 1, "the SET being held");
        await SendAsync(reader, "GET", "k");
        await reader.ExpectAsync("$-1\r\n");
        Assert.Equal(0, writer.Socket.Available);

        await SendAsync(admin, "CLIENT", "UNPAUSE");
        await admin.ExpectAsync("+OK\r\n");
        await writer.ExpectAsync("+OK\r\n");
        await SendAsync(reader, "GET", "k");
        await reader.ExpectAsync("$1\r\nv\r\n");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task ClientPause_EndsByItself_WhenItsTimeIsUp(ConnectionModel model)
    {
        await using var server = await StartAsync(model);
        using var admin = await ConnectAsync(server);
        using var writer = await ConnectAsync(server);
        await SendAsync(admin, "CLIENT", "PAUSE", "200", "ALL");
        await admin.ExpectAsync("+OK\r\n");

        var clock = Stopwatch.StartNew();
        await SendAsync(writer, "SET", "k", "v");
        await writer.ExpectAsync("+OK\r\n");

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"the SET was answered after {clock.Elapsed.TotalMilliseconds} ms of a 200 ms pause");
    }

    private sealed class RecordingLoggerFactory(RecordingLogger logger) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
