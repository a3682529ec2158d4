namespace NetKit.Transport;

/// <summary>
/// What the UDP services' clients share: where to send, how long each try waits, how many tries — UDP
/// may lose the request or the reply, so a client sends again on timeout.
/// </summary>
public abstract class DatagramClient
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);
    public const int DefaultTries = 3;

    protected DatagramClient(HostPort remote, TimeSpan? timeout, int tries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tries, 1);
        Remote = remote;
        Timeout = timeout ?? DefaultTimeout;
        Tries = tries;
    }

    public HostPort Remote { get; }

    /// <summary>How long each try waits for the reply.</summary>
    public TimeSpan Timeout { get; }

    public int Tries { get; }

    /// <summary>Sends <paramref name="request"/> and returns the first reply <paramref name="accept"/> takes.</summary>
    protected Task<byte[]> RequestAsync(ReadOnlyMemory<byte> request, Func<ReadOnlyMemory<byte>, bool>? accept,
        CancellationToken cancellationToken) =>
        UdpRequester.RequestAsync(Remote, request, Timeout, Tries, accept, cancellationToken);
}
