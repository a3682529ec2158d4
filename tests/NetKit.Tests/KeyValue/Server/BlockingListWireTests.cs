using NetKit.KeyValue;
using NetKit.Tests.Transport;
using NetKit.Transport;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>
/// Blocking list commands over real loopback sockets, byte for byte, in every connection model: a blocked
/// client is woken by another connection's push, its timeout ends the wait, requests it pipelined run after
/// its reply, and a client that closes while blocked is forgotten at once, the next push staying in the list.
/// </summary>
public class BlockingListWireTests
{
    public static TheoryData<ConnectionModel> Models => [ConnectionModel.Threads, ConnectionModel.Async, ConnectionModel.Epoll];

    private static async Task<KeyValueServer> StartAsync(ConnectionModel model) =>
        await KeyValueServer.StartAsync(new KeyValueServerOptions { Port = 0, Model = model });

    private static async Task<LoopbackClient> ConnectAsync(KeyValueServer server) => await LoopbackClient.ConnectAsync(server.EndPoint);

    private static Task SendAsync(LoopbackClient client, params string[] args) => client.SendAsync(Encode(args));

    private static Task UntilBlockedAsync(KeyValueServer server, int count) =>
        TestServers.UntilAsync(() => server.Database.Databases.Blocking.Count == count, $"{count} blocked clients");

    [Theory]
    [MemberData(nameof(Models))]
    public async Task ABlockedClient_IsWokenByAPushFromAnotherConnection(ConnectionModel model)
    {
        await using var server = await StartAsync(model);
        using var waiter = await ConnectAsync(server);
        using var pusher = await ConnectAsync(server);

        await SendAsync(waiter, "BLPOP", "k", "0");
        await UntilBlockedAsync(server, 1);
        await SendAsync(pusher, "RPUSH", "k", "v");
        await pusher.ExpectAsync(":1\r\n");
        await waiter.ExpectAsync("*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
        await UntilBlockedAsync(server, 0);

        // Pipelined behind a blocking command: answered after it, in order.
        await waiter.SendAsync(new ReadOnlyMemory<byte>([.. Encode("BRPOP", "k", "0"), .. Encode("PING")]));
        await UntilBlockedAsync(server, 1);
        await SendAsync(pusher, "LPUSH", "k", "w");
        await pusher.ExpectAsync(":1\r\n");
        await waiter.ExpectAsync("*2\r\n$1\r\nk\r\n$1\r\nw\r\n+PONG\r\n");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task ItsTimeout_EndsTheWait(ConnectionModel model)
    {
        await using var server = await StartAsync(model);
        using var waiter = await ConnectAsync(server);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await SendAsync(waiter, "BLMOVE", "k", "d", "LEFT", "RIGHT", "0.2");
        await waiter.ExpectAsync("*-1\r\n");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"answered after {clock.Elapsed.TotalMilliseconds} ms of a 200 ms timeout");
        await SendAsync(waiter, "PING");
        await waiter.ExpectAsync("+PONG\r\n");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task AClientThatClosesWhileBlocked_IsForgotten_AndThePushStays(ConnectionModel model)
    {
        await using var server = await StartAsync(model);
        using var pusher = await ConnectAsync(server);
        using (var waiter = await ConnectAsync(server))
        {
            await SendAsync(waiter, "BLPOP", "k", "0");
            await UntilBlockedAsync(server, 1);
        }

        await UntilBlockedAsync(server, 0);
        await SendAsync(pusher, "RPUSH", "k", "v");
        await pusher.ExpectAsync(":1\r\n");
        await SendAsync(pusher, "LRANGE", "k", "0", "-1");
        await pusher.ExpectAsync("*1\r\n$1\r\nv\r\n");
    }
}
