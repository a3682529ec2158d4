using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace NetKit.Transport.Tls;

/// <summary>TLS failures in one line: what the log and the CLI print, never a stack trace.</summary>
internal static class TlsErrors
{
    /// <summary>The innermost message of <paramref name="exception"/>: OpenSSL's reason
    /// (<c>tlsv1 alert unknown ca</c>) rather than .NET's "Authentication failed, see inner exception".</summary>
    public static string OneLine(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is { } next)
        {
            inner = next;
        }

        string message = inner.Message.ReplaceLineEndings(" ").Trim();
        return message.Length == 0 ? exception.GetType().Name : message;
    }

    /// <summary>Why a client refused the server's certificate, from what the validation saw.</summary>
    public static string Refusal(SslPolicyErrors errors, X509Chain? chain, string expectedName)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "the server sent no certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            var statuses = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status)
                           ?? X509ChainStatusFlags.NoError;
            if ((statuses & (X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot)) != 0)
            {
                return "the server's certificate is not trusted: no CA trusted here signed it (give the one that did with --cacert)";
            }

            if ((statuses & X509ChainStatusFlags.NotTimeValid) != 0)
            {
                return "the server's certificate is not trusted: it has expired or is not valid yet";
            }

            return $"the server's certificate is not trusted ({statuses})";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return $"the server's certificate is not for {expectedName}";
        }

        return "the server's certificate was refused";
    }
}
