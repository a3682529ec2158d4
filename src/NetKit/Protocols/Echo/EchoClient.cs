using System.Text;
using NetKit.Transport;

namespace NetKit.Protocols.Echo;

/// <summary>
/// The echo service's client: sends bytes and reads back exactly as many. One read is not one message:
/// TCP may deliver the echo in any number of pieces, so the client counts bytes rather than reads.
/// </summary>
public sealed class EchoClient : IAsyncDisposable, IDisposable
{
    private readonly TcpClientConnection _connection;

    private EchoClient(TcpClientConnection connection) => _connection = connection;

    public HostPort Remote => _connection.Remote;

    public static async Task<EchoClient> ConnectAsync(HostPort remote, ClientOptions? options = null,
        CancellationToken cancellationToken = default) =>
        new(await TcpClientConnection.ConnectAsync(remote, options, cancellationToken).ConfigureAwait(false));

    /// <summary>Sends <paramref name="text"/> as UTF-8 and returns what came back, decoded.</summary>
    public async Task<string> SendAsync(string text, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(reply);
    }

    /// <summary>Sends <paramref name="data"/> and returns the same number of bytes read back.</summary>
    public async Task<byte[]> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var reply = new byte[data.Length];
        // Sending and reading run side by side: with a payload larger than the socket buffers, sending
        // everything before reading would stall both ends once the server's replies fill our buffer.
        var send = _connection.SendAsync(data, cancellationToken).AsTask();
        try
        {
            await _connection.ReadExactlyAsync(reply, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Observed either way, so a send failure is never left unobserved behind a read failure.
            await send.ConfigureAwait(false);
        }

        return reply;
    }

    /// <summary>Ends the exchange politely: the server sees end of stream and closes its side.</summary>
    public void Close() => _connection.ShutdownSend();

    public void Dispose() => _connection.Dispose();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
