using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetKit.Transport.Tls;

/// <summary>
/// What a TLS listener serves with: its certificate (and the intermediates sent with it) and how long a
/// client has to finish the handshake. Built once per listener and shared by its connections.
/// </summary>
public sealed class TlsServerOptions
{
    /// <summary>Kestrel's default: a client that connects and never finishes the handshake holds a slot no longer.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly SslServerAuthenticationOptions _authentication;

    /// <param name="certificate">The server's certificate, with its private key.</param>
    /// <param name="intermediates">Certificates sent after it so clients can build the chain to their root.</param>
    public TlsServerOptions(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("the TLS certificate has no private key", nameof(certificate));
        }

        Certificate = certificate;
        _authentication = new SslServerAuthenticationOptions
        {
            // offline: the chain is built from what is given, with no network fetch at start.
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, intermediates, offline: true),
            ClientCertificateRequired = false,
            EnabledSslProtocols = SslProtocols.None, // the system's choice: TLS 1.2 and 1.3 today
        };
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>From the TCP accept to a finished handshake; past it the connection is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = DefaultHandshakeTimeout;

    internal SslServerAuthenticationOptions Authentication => _authentication;

    /// <summary>
    /// Loads a PEM certificate file (the server's certificate first, then any intermediates) and its PEM
    /// private key file, as <c>--tls-cert</c> and <c>--tls-key</c> name them.
    /// </summary>
    /// <exception cref="NetKitException">A file cannot be read, or holds no certificate and matching key.</exception>
    public static TlsServerOptions FromPemFiles(string certificateFile, string keyFile)
    {
        string operation = $"cannot load the TLS certificate {certificateFile} with the key {keyFile}";
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(certificateFile);
            var intermediates = new X509Certificate2Collection();
            foreach (var other in all)
            {
                if (other.Thumbprint != certificate.Thumbprint)
                {
                    intermediates.Add(other);
                }
            }

            return new TlsServerOptions(certificate, intermediates);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NetKitException(NetErrorKind.Other, operation, "no such file", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new NetKitException(NetErrorKind.PermissionDenied, operation, ex);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException)
        {
            throw new NetKitException(NetErrorKind.Other, operation, TlsErrors.OneLine(ex), ex);
        }
    }
}
