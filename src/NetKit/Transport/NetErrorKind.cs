namespace NetKit.Transport;

/// <summary>The kinds of network failure NetKit tells apart. Each maps to one exit code of the CLI
/// (see <see cref="ExitCodes"/>); errors are classified by socket error code, never by message text.</summary>
public enum NetErrorKind
{
    Other = 0,
    AddressInUse,
    ConnectionRefused,
    TimedOut,
    ConnectionReset,
    HostUnreachable,
    PermissionDenied,
    BadAddress,
    ProtocolViolation,

    /// <summary>The TLS handshake failed: the certificate was not trusted, or the peer does not speak TLS.</summary>
    TlsFailed,
}
