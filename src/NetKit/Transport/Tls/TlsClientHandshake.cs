using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace NetKit.Transport.Tls;

/// <summary>The client's side of the handshake over a connected socket, its failures as one-line
/// <see cref="NetKitException"/>s of kind <see cref="NetErrorKind.TlsFailed"/>.</summary>
internal static class TlsClientHandshake
{
    public static async Task<SslStream> AuthenticateAsync(Socket socket, HostPort remote, TlsClientOptions tls,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        string name = tls.ServerName ?? (remote.IsUnix ? "localhost" : remote.Host);
        string operation = $"cannot connect to {remote} over TLS";
        string? refusal = null;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            // SNI and the name checked; .NET sends no SNI for an IP address and checks it against the IP names.
            TargetHost = name,
            EnabledSslProtocols = SslProtocols.None,
            RemoteCertificateValidationCallback = (_, _, chain, errors) =>
            {
                if (tls.SkipValidation || errors == SslPolicyErrors.None)
                {
                    return true;
                }

                refusal = TlsErrors.Refusal(errors, chain, name);
                return false;
            },
        };
        if (tls.TrustedRoots is { } roots)
        {
            options.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            options.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, deadline.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new NetKitException(NetErrorKind.TimedOut, operation, "timed out during the handshake");
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (ex is IOException { InnerException: SocketException se })
            {
                throw NetErrors.Wrap(operation, se);
            }

            throw new NetKitException(NetErrorKind.TlsFailed, operation, refusal ?? TlsErrors.OneLine(ex), ex);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
