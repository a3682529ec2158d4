using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NetKit.Transport.Tls;

namespace NetKit.Tests.Transport.Tls;

/// <summary>
/// A throwaway CA made at run time, a server certificate it signed for 127.0.0.1, ::1 and localhost, and a
/// second CA that signed nothing (the wrong one to trust), with all of it also as PEM files for the tools
/// and the CLI. ECDSA P-256: quick to make, and every peer here speaks it.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    // id-kp-serverAuth (RFC 5280 §4.2.1.12): an object identifier in dotted form, not a network address.
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private static readonly Lazy<TestCertificates> Shared = new(() => new TestCertificates());

    private TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("nk-tls-").FullName;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Ca = MakeCa("NetKit test CA", caKey);
        using var wrongKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        WrongCa = MakeCa("Some other CA", wrongKey);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(Ca, now.AddDays(-1), now.AddDays(7), RandomNumberGenerator.GetBytes(16));
        Server = signed.CopyWithPrivateKey(serverKey);

        CaFile = Write("ca.pem", Ca.ExportCertificatePem());
        WrongCaFile = Write("wrong-ca.pem", WrongCa.ExportCertificatePem());
        ServerCertificateFile = Write("server.pem", Server.ExportCertificatePem());
        ServerKeyFile = Write("server.key", serverKey.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Made once per test run: every test may share them, none changes them.</summary>
    public static TestCertificates Instance => Shared.Value;

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 WrongCa { get; }

    /// <summary>The server's certificate, with its private key.</summary>
    public X509Certificate2 Server { get; }

    public string CaFile { get; }

    public string WrongCaFile { get; }

    public string ServerCertificateFile { get; }

    public string ServerKeyFile { get; }

    public TlsServerOptions ServerOptions(TimeSpan? handshakeTimeout = null) =>
        new(Server) { HandshakeTimeout = handshakeTimeout ?? TlsServerOptions.DefaultHandshakeTimeout };

    /// <summary>A client that trusts the test CA only.</summary>
    public TlsClientOptions ClientOptions(string? serverName = null) =>
        new() { TrustedRoots = [Ca], ServerName = serverName };

    public TlsClientOptions WrongClientOptions() => new() { TrustedRoots = [WrongCa] };

    private static X509Certificate2 MakeCa(string name, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    private string Write(string name, string pem)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, pem);
        return path;
    }

    public void Dispose()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
