using NetKit.Transport;

namespace NetKit.KeyValue;

/// <summary>
/// The kv service's client, speaking the inline protocol: one command a line, one reply line each.
/// </summary>
/// <remarks>
/// Inline replies are plain lines, so a stored value that itself reads <c>(nil)</c> or <c>ERR ...</c> cannot
/// be told from those replies; <see cref="GetAsync"/> returns such values as they are (a well-formed GET
/// gets no ERR reply), and <see cref="SetAsync"/> knows its only successful reply is <c>OK</c>.
/// </remarks>
public sealed class KeyValueClient : IAsyncDisposable, IDisposable
{
    public const string Nil = "(nil)";
    public const string Ok = "OK";
    public const string ErrorPrefix = "ERR";

    private readonly TcpClientConnection _connection;

    private KeyValueClient(TcpClientConnection connection) => _connection = connection;

    public HostPort Remote => _connection.Remote;

    public static async Task<KeyValueClient> ConnectAsync(HostPort remote, ClientOptions? options = null,
        CancellationToken cancellationToken = default) =>
        new(await TcpClientConnection.ConnectAsync(remote, options, cancellationToken).ConfigureAwait(false));

    /// <summary>True for a reply that is the server refusing a command.</summary>
    public static bool IsError(string reply) =>
        reply == ErrorPrefix || reply.StartsWith(ErrorPrefix + " ", StringComparison.Ordinal);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The key is empty or holds white space, or the value is empty or
    /// holds a line break: the inline protocol could not carry them.</exception>
    /// <exception cref="KeyValueErrorException">The server answered ERR.</exception>
    /// <exception cref="NetKitException">Kind ProtocolViolation for any other reply than OK.</exception>
    public async Task SetAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("A value cannot contain a line break.", nameof(value));
        }

        var reply = await ExchangeAsync($"SET {key} {value}", cancellationToken).ConfigureAwait(false);
        if (reply == Ok)
        {
            return;
        }

        if (IsError(reply))
        {
            throw new KeyValueErrorException(reply);
        }

        throw Unexpected(reply, "OK");
    }

    /// <summary>Returns the value stored under <paramref name="key"/>, or null when there is none.</summary>
    /// <exception cref="ArgumentException">The key is empty or holds white space.</exception>
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var reply = await ExchangeAsync($"GET {key}", cancellationToken).ConfigureAwait(false);
        return reply == Nil ? null : reply;
    }

    /// <summary>Sends <paramref name="line"/> as it is and returns the reply line, ERR replies included; null
    /// when the server closed the connection instead of replying (as it does after <c>QUIT</c>).</summary>
    /// <exception cref="ArgumentException">The line is blank (the server sends no reply to it) or holds a
    /// line break (it would be two commands).</exception>
    public async Task<string?> SendCommandAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (string.IsNullOrWhiteSpace(line))
        {
            throw new ArgumentException("A blank line gets no reply.", nameof(line));
        }

        if (line.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("A command cannot contain a line break.", nameof(line));
        }

        await _connection.SendAsync(line + "\n", cancellationToken).ConfigureAwait(false);
        return await _connection.ReadLineAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _connection.Dispose();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<string> ExchangeAsync(string line, CancellationToken cancellationToken) =>
        await SendCommandAsync(line, cancellationToken).ConfigureAwait(false)
        ?? throw new NetKitException(NetErrorKind.ConnectionReset, $"no reply from {Remote}",
            "the server closed the connection");

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        foreach (char c in key)
        {
            if (char.IsWhiteSpace(c))
            {
                throw new ArgumentException("A key cannot contain white space.", nameof(key));
            }
        }
    }

    private NetKitException Unexpected(string reply, string expected) =>
        new(NetErrorKind.ProtocolViolation, $"bad reply from {Remote}",
            $"expected {expected}, got '{(reply.Length <= 40 ? reply : reply[..40] + "...")}'");
}
