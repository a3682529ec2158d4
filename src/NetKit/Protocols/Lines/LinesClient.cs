using System.Runtime.CompilerServices;
using NetKit.Transport;

namespace NetKit.Protocols.Lines;

/// <summary>
/// The lines service's client: sends a line, reads the reply line. The server answers <c>quit</c> with
/// <c>bye</c> and closes, so a batch of lines ends there.
/// </summary>
public sealed class LinesClient : IAsyncDisposable, IDisposable
{
    /// <summary>The reply to <c>quit</c>, after which the server closes the connection.</summary>
    public const string Goodbye = "bye";

    private readonly TcpClientConnection _connection;

    private LinesClient(TcpClientConnection connection) => _connection = connection;

    public HostPort Remote => _connection.Remote;

    public static async Task<LinesClient> ConnectAsync(HostPort remote, ClientOptions? options = null,
        CancellationToken cancellationToken = default) =>
        new(await TcpClientConnection.ConnectAsync(remote, options, cancellationToken).ConfigureAwait(false));

    /// <summary>Sends one line and returns the server's reply, or null when the server closed the
    /// connection instead of replying.</summary>
    /// <exception cref="ArgumentException">The line contains a line break (it would be two lines).</exception>
    public async Task<string?> SendLineAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("A line cannot contain a line break.", nameof(line));
        }

        await _connection.SendAsync(line + "\n", cancellationToken).ConfigureAwait(false);
        return await _connection.ReadLineAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends each line and yields its reply, stopping after the server's <c>bye</c>.</summary>
    /// <exception cref="NetKitException">Kind ConnectionReset when the server closes the connection
    /// before answering a line.</exception>
    public async IAsyncEnumerable<string> ExchangeAsync(IAsyncEnumerable<string> lines,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        await foreach (var line in lines.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var reply = await SendLineAsync(line, cancellationToken).ConfigureAwait(false)
                ?? throw new NetKitException(NetErrorKind.ConnectionReset, $"no reply from {Remote}",
                    "the server closed the connection");
            yield return reply;
            if (reply == Goodbye)
            {
                yield break;
            }
        }
    }

    /// <inheritdoc cref="ExchangeAsync(IAsyncEnumerable{string}, CancellationToken)"/>
    public IAsyncEnumerable<string> ExchangeAsync(IEnumerable<string> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return ExchangeAsync(lines.ToAsyncEnumerable(), cancellationToken);
    }

    /// <summary>Ends the exchange politely: the server sees end of stream and closes its side.</summary>
    public void Close() => _connection.ShutdownSend();

    public void Dispose() => _connection.Dispose();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
