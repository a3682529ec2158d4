using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NetKit.Tests.Transport.Tls;

/// <summary>
/// A TLS client for the tests, on a plain <see cref="SslStream"/> independent of NetKit's own clients,
/// trusting the test CA only. Every wait is bounded by <see cref="LoopbackClient.Timeout"/>.
/// </summary>
public sealed class TlsTestClient : IAsyncDisposable
{
    private TlsTestClient(Socket socket, SslStream stream)
    {
        Socket = socket;
        Stream = stream;
    }

    public Socket Socket { get; }

    public SslStream Stream { get; }

    public static async Task<TlsTestClient> ConnectAsync(EndPoint endPoint, X509Certificate2? trust = null, string? serverName = null)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (var connecting = new CancellationTokenSource(LoopbackClient.Timeout))
        {
            try
            {
                await socket.ConnectAsync(endPoint, connecting.Token);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName ?? (endPoint is IPEndPoint ip ? ip.Address.ToString() : "localhost"),
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            },
        };
        options.CertificateChainPolicy.CustomTrustStore.Add(trust ?? TestCertificates.Instance.Ca);
        using var deadline = new CancellationTokenSource(LoopbackClient.Timeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, deadline.Token);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }

        return new TlsTestClient(socket, ssl);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(ReadOnlyMemory<byte> data)
    {
        using var deadline = new CancellationTokenSource(LoopbackClient.Timeout);
        await Stream.WriteAsync(data, deadline.Token);
    }

    /// <summary>close_notify, then FIN: the server reads end of stream, and its replies can still be read.</summary>
    public async Task ShutdownSendAsync()
    {
        await Stream.ShutdownAsync().WaitAsync(LoopbackClient.Timeout);
        Socket.Shutdown(SocketShutdown.Send);
    }

    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        var result = new byte[count];
        using var deadline = new CancellationTokenSource(LoopbackClient.Timeout);
        await Stream.ReadExactlyAsync(result, deadline.Token);
        return result;
    }

    /// <summary>Reads as many bytes as <paramref name="expected"/> has and checks they are it.</summary>
    public async Task ExpectAsync(string expected)
    {
        byte[] got = await ReadExactlyAsync(Encoding.UTF8.GetByteCount(expected));
        Assert.Equal(expected, Encoding.UTF8.GetString(got));
    }

    /// <summary>Reads until the server ends the stream (its close_notify, or its FIN).</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        var all = new MemoryStream();
        using var deadline = new CancellationTokenSource(LoopbackClient.Timeout);
        await Stream.CopyToAsync(all, deadline.Token);
        return all.ToArray();
    }

    public async ValueTask DisposeAsync() => await Stream.DisposeAsync();
}
