using System.Net.Sockets;
using NetKit.Connections;

namespace NetKit.Transport;

/// <summary>
/// The async model's connection, the Kestrel way: no Stream and no pipe in between. It receives straight
/// into the loop's buffer through a reusable awaitable operation (<see cref="SocketOperation"/>), and knows
/// what the socket holds already, so the next receive is issued at once when more is there. The loop is
/// <see cref="AsyncConnection"/>'s.
/// </summary>
internal sealed class AsyncTcpConnection : AsyncConnection
{
    private const int ReceiveSize = 4096;
    private readonly SocketOperation _operation = new();
    private SocketOperation? _sender; // sends while the zero-byte receive holds _operation

    public AsyncTcpConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
        : base(id, socket, protocol, server, ReceiveSize)
    {
    }

    protected override int BytesWaiting => Socket.Available;

    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _operation.ReceiveAsync(Socket, buffer);

    protected override async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        var operation = IdleReceivePending ? _sender ??= new SocketOperation() : _operation;
        while (!data.IsEmpty)
        {
            int sent = await operation.SendAsync(Socket, data).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    protected override void ReleaseIo()
    {
        // A receive still pending keeps its operation until the close fails it (SocketAsyncEventArgs
        // defers the dispose until then).
        _operation.Dispose();
        _sender?.Dispose();
    }
}
