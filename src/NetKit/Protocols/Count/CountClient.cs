using System.Buffers;
using System.Globalization;
using NetKit.Transport;

namespace NetKit.Protocols.Count;

/// <summary>
/// The count service's client: streams bytes to the server, half-closes so the server sees end of
/// stream, then reads the total the server counted.
/// </summary>
public sealed class CountClient : IAsyncDisposable, IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly TcpClientConnection _connection;

    private CountClient(TcpClientConnection connection) => _connection = connection;

    public HostPort Remote => _connection.Remote;

    public static async Task<CountClient> ConnectAsync(HostPort remote, ClientOptions? options = null,
        CancellationToken cancellationToken = default) =>
        new(await TcpClientConnection.ConnectAsync(remote, options, cancellationToken).ConfigureAwait(false));

    /// <summary>Sends everything <paramref name="source"/> holds, in chunks, and returns the server's total.
    /// Can be called once: the sending half is closed afterwards.</summary>
    /// <exception cref="NetKitException">Kind ProtocolViolation when the reply is not a number;
    /// ConnectionReset when the server closes without one.</exception>
    public async Task<long> CountAsync(Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        // A bounded buffer reused for every chunk: a file of any size streams in constant memory.
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int n;
            while ((n = await source.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await _connection.SendAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        _connection.ShutdownSend();
        var reply = await _connection.ReadLineAsync(cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw new NetKitException(NetErrorKind.ConnectionReset, $"no reply from {Remote}",
                "the server closed the connection without a total");
        if (reply.Length > 0 && !reply.AsSpan().ContainsAnyExceptInRange('0', '9')
            && long.TryParse(reply, NumberStyles.None, CultureInfo.InvariantCulture, out long total))
        {
            return total;
        }

        throw new NetKitException(NetErrorKind.ProtocolViolation, $"bad reply from {Remote}",
            $"expected a byte count, got '{Shorten(reply)}'");
    }

    public void Dispose() => _connection.Dispose();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
