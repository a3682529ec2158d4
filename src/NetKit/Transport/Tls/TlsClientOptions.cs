using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetKit.Transport.Tls;

/// <summary>How a client speaks TLS: which certificates it trusts and which name it expects.</summary>
public sealed record TlsClientOptions
{
    /// <summary>The name sent as SNI and checked against the server's certificate; null = the host connected to
    /// (<c>localhost</c> for a Unix socket).</summary>
    public string? ServerName { get; init; }

    /// <summary>The roots trusted instead of the system's (<c>--cacert</c>); null = the system's store.</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>Accept any certificate (<c>--insecure</c>): the traffic is encrypted, but to whom is not checked.</summary>
    public bool SkipValidation { get; init; }

    /// <summary>Trusts the CA certificates of a PEM file, and only those.</summary>
    /// <exception cref="NetKitException">The file cannot be read or holds no certificate.</exception>
    public static TlsClientOptions FromCaFile(string path)
    {
        string operation = $"cannot load the CA certificates {path}";
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NetKitException(NetErrorKind.Other, operation, "no such file", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new NetKitException(NetErrorKind.PermissionDenied, operation, ex);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException)
        {
            throw new NetKitException(NetErrorKind.Other, operation, TlsErrors.OneLine(ex), ex);
        }

        if (roots.Count == 0)
        {
            throw new NetKitException(NetErrorKind.Other, operation, "no PEM certificate in it");
        }

        return new TlsClientOptions { TrustedRoots = roots };
    }
}
