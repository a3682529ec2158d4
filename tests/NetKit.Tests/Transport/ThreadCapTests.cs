using NetKit.Hosting;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>The threads model's thread cap: connections over it wait in the kernel's backlog, not dropped.</summary>
public sealed class ThreadCapTests
{
    [Fact]
    public async Task MaxThreadsOne_SecondConnectionIsServedOnlyAfterTheFirstCloses()
    {
        await using var server = TestServers.Start(NetKitServices.Lines,
            new ServiceSettings { Model = ConnectionModel.Threads, MaxThreads = 1 });
        using var first = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await first.SendAsync("a\n");
        await first.ExpectAsync("A\n");

        // The kernel completes the handshake from the backlog; the server does not serve it yet.
        using var second = await LoopbackClient.ConnectAsync(server.LocalEndPoint);
        await second.SendAsync("b\n");
        // The only thread is taken, so the accept loop waits for it: the second connection stays in the
        // kernel's backlog, never accepted, until the first ends.
        var tcp = (TcpServer)server;
        Assert.Equal(0, tcp.FreeThreadSlots);
        Assert.Equal(1, tcp.ActiveConnections);
        await first.SendAsync("c\n");
        await first.ExpectAsync("C\n");

        await first.SendAsync("quit\n");
        await first.ExpectAsync("bye\n");
        await first.ExpectClosedAsync();

        await second.ExpectAsync("B\n");
        await second.SendAsync("d\n");
        await second.ExpectAsync("D\n");
    }
}
