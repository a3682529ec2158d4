using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using NetKit.Connections;

namespace NetKit.Transport.Tls;

/// <summary>
/// The TLS model's connection: the async model's loop (<see cref="AsyncConnection"/>) over an
/// <see cref="SslStream"/>, because a TLS record must be decrypted before a core can read it and
/// <see cref="SslStream"/> needs a Stream. The handshake runs first, bounded by
/// <see cref="TlsServerOptions.HandshakeTimeout"/>; a failed one ends the connection with one line at
/// Information, never a stack trace. An idle connection's zero-byte read is passed down by SslStream, which
/// gives its own buffer back meanwhile, and SslStream allows a write beside that one read, so it may be left
/// pending across wakes. A clean end sends close_notify before the FIN.
/// </summary>
internal sealed class TlsConnection : AsyncConnection
{
    /// <summary>A TLS record's most plaintext: one read then takes a whole record.</summary>
    private const int ReceiveSize = 16 * 1024;

    /// <summary>How long close_notify may take to leave; a peer that does not read does not hold the close.</summary>
    private static readonly TimeSpan CloseNotifyTimeout = TimeSpan.FromSeconds(1);

    private readonly TlsServerOptions _tls;
    private readonly SslStream _ssl;

    public TlsConnection(long id, Socket socket, IConnectionProtocol protocol, TcpServer server)
        : base(id, socket, protocol, server, ReceiveSize)
    {
        _tls = server.Options.Tls ?? throw new InvalidOperationException("a TLS connection needs TlsServerOptions");
        _ssl = new SslStream(new NetworkStream(Socket, ownsSocket: false), leaveInnerStreamOpen: true);
    }

    /// <summary>Never known: SslStream may hold decrypted bytes the socket no longer shows, so every wait asks it.</summary>
    protected override int BytesWaiting => 0;

    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _ssl.ReadAsync(buffer);

    protected override ValueTask SendAsync(ReadOnlyMemory<byte> data) => _ssl.WriteAsync(data);

    protected override bool IsIoFailure(Exception exception) => exception is IOException or AuthenticationException;

    protected override void ReleaseIo() => _ssl.Dispose();

    /// <summary>The server's side of the handshake; the reason it failed, or null.</summary>
    protected override async ValueTask<string?> StartAsync()
    {
        using var deadline = new CancellationTokenSource(_tls.HandshakeTimeout);
        try
        {
            await _ssl.AuthenticateAsServerAsync(_tls.Authentication, deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return $"TLS handshake not done within {_tls.HandshakeTimeout.TotalSeconds:0.###} s";
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or ObjectDisposedException)
        {
            // A cut (the grace period, the sweep) is reported by its own reason.
            return Aborted ? "closed" : "TLS handshake failed: " + TlsErrors.OneLine(ex);
        }
    }

    protected override async ValueTask EndCleanlyAsync()
    {
        try
        {
            await _ssl.ShutdownAsync().WaitAsync(CloseNotifyTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or TimeoutException
                                      or InvalidOperationException)
        {
            // The peer is gone or not reading: the FIN that follows ends the connection all the same.
        }
    }
}
