namespace NetKit.Transport;

/// <summary>Timeouts of a client connection (design.md §3: connect 2 s, read and write 5 s), and TLS.</summary>
public sealed record ClientOptions
{
    public static readonly ClientOptions Default = new();

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Speak TLS over the connection, the handshake within <see cref="ConnectTimeout"/>; null = plain.</summary>
    public Tls.TlsClientOptions? Tls { get; init; }

    /// <summary>One timeout for everything, as the CLI's <c>--timeout</c> sets it.</summary>
    public static ClientOptions WithTimeout(TimeSpan timeout) =>
        new() { ConnectTimeout = timeout, ReadTimeout = timeout, WriteTimeout = timeout };
}
