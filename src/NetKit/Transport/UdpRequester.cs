using System.Net;
using System.Net.Sockets;
using NetKit.Transport.Unix;

namespace NetKit.Transport;

/// <summary>
/// The client side of a UDP request/reply exchange: send a datagram, wait for the reply, and send again on
/// timeout, because UDP may drop the request or the reply. Datagrams from any other address are ignored.
/// </summary>
public static class UdpRequester
{
    /// <summary>Sends <paramref name="request"/> to <paramref name="remote"/> and returns the first reply
    /// that <paramref name="accept"/> takes (all replies when it is null).</summary>
    /// <exception cref="NetKitException">Kind TimedOut after <paramref name="tries"/> timeouts.</exception>
    public static async Task<byte[]> RequestAsync(HostPort remote, ReadOnlyMemory<byte> request, TimeSpan timeout,
        int tries = 3, Func<ReadOnlyMemory<byte>, bool>? accept = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tries, 1);
        EndPoint target = remote.UnixPath is { } path
            ? new UnixDomainSocketEndPoint(path)
            : new IPEndPoint((await remote.ResolveAsync(cancellationToken).ConfigureAwait(false))[0], remote.Port);
        using var socket = target is UnixDomainSocketEndPoint
            ? UnixDatagramClient.Create()
            : new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[UdpServer.MaxDatagramSize + 1];
        string operation = $"no reply from {remote}";
        try
        {
            // Connecting a UDP socket filters out datagrams from other senders and surfaces ICMP
            // "port unreachable" as a refused connection instead of a silent timeout (a Unix socket with no
            // server says so at once).
            socket.Connect(target);
            for (int attempt = 1; attempt <= tries; attempt++)
            {
                await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(timeout);
                try
                {
                    while (true)
                    {
                        int n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token).ConfigureAwait(false);
                        var reply = buffer.AsMemory(0, n);
                        if (accept is null || accept(reply))
                        {
                            return reply.ToArray();
                        }
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Timed out: try again.
                }
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable && target is UnixDomainSocketEndPoint)
        {
            throw new NetKitException(NetErrorKind.ConnectionRefused, operation, "no such socket file", ex);
        }
        catch (SocketException ex)
        {
            throw NetErrors.Wrap(operation, ex);
        }

        throw new NetKitException(NetErrorKind.TimedOut, operation,
            $"timed out ({tries} tries, {timeout.TotalSeconds:0.###} s each)");
    }
}
