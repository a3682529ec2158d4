using System.Text;
using NetKit.Transport;

namespace NetKit.Protocols.Echo;

/// <summary>
/// The udp-echo service's client: sends a datagram and waits for the same bytes back, sending again on
/// timeout because UDP may lose either datagram. A reply that differs from the request (a stale reply to
/// an earlier try, or stray traffic) is not the answer and is ignored.
/// </summary>
public sealed class UdpEchoClient : DatagramClient
{
    public UdpEchoClient(HostPort remote, TimeSpan? timeout = null, int tries = DefaultTries)
        : base(remote, timeout, tries)
    {
    }

    /// <summary>Sends <paramref name="text"/> as UTF-8 and returns the echo.</summary>
    /// <exception cref="NetKitException">Kind TimedOut when no try got the echo back.</exception>
    public async Task<string> SendAsync(string text, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(reply);
    }

    public Task<byte[]> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (data.Length > UdpServer.MaxDatagramSize)
        {
            throw new ArgumentException($"A datagram carries at most {UdpServer.MaxDatagramSize} bytes.", nameof(data));
        }

        return RequestAsync(data, reply => reply.Span.SequenceEqual(data.Span), cancellationToken);
    }
}
