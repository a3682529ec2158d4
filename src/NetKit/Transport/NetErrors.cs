using System.Net.Sockets;

namespace NetKit.Transport;

/// <summary>Sorts socket failures into <see cref="NetErrorKind"/>s by error code.</summary>
public static class NetErrors
{
    public static NetErrorKind Classify(SocketError error) => error switch
    {
        SocketError.AddressAlreadyInUse => NetErrorKind.AddressInUse,
        SocketError.ConnectionRefused => NetErrorKind.ConnectionRefused,
        SocketError.TimedOut => NetErrorKind.TimedOut,
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown
            or SocketError.NetworkReset => NetErrorKind.ConnectionReset,
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown
            or SocketError.NetworkDown => NetErrorKind.HostUnreachable,
        SocketError.AccessDenied => NetErrorKind.PermissionDenied,
        SocketError.AddressNotAvailable or SocketError.HostNotFound or SocketError.NoData
            or SocketError.TryAgain or SocketError.AddressFamilyNotSupported => NetErrorKind.BadAddress,
        _ => NetErrorKind.Other,
    };

    /// <summary>Classifies any exception a network operation may throw.</summary>
    public static NetErrorKind Classify(Exception exception) => exception switch
    {
        NetKitException nk => nk.Kind,
        SocketException se => Classify(se.SocketErrorCode),
        TimeoutException or OperationCanceledException => NetErrorKind.TimedOut,
        IOException { InnerException: SocketException se } => Classify(se.SocketErrorCode),
        IOException { InnerException: Exception inner } => Classify(inner),
        EndOfStreamException => NetErrorKind.ConnectionReset,
        UnauthorizedAccessException => NetErrorKind.PermissionDenied,
        System.Security.Authentication.AuthenticationException => NetErrorKind.TlsFailed,
        _ => NetErrorKind.Other,
    };

    /// <summary>True for the failures a network program must expect (and report in one line)
    /// rather than treat as bugs.</summary>
    public static bool IsExpected(Exception exception) =>
        exception is NetKitException or SocketException or TimeoutException or EndOfStreamException
        || (exception is IOException io && io.InnerException is SocketException);

    /// <summary>The kind in words, as the CLI prints it.</summary>
    public static string Describe(NetErrorKind kind) => kind switch
    {
        NetErrorKind.AddressInUse => "address already in use",
        NetErrorKind.ConnectionRefused => "connection refused",
        NetErrorKind.TimedOut => "timed out",
        NetErrorKind.ConnectionReset => "connection reset by peer",
        NetErrorKind.HostUnreachable => "host unreachable",
        NetErrorKind.PermissionDenied => "permission denied",
        NetErrorKind.BadAddress => "bad address",
        NetErrorKind.ProtocolViolation => "unexpected reply",
        NetErrorKind.TlsFailed => "TLS handshake failed",
        _ => "failed",
    };

    /// <summary>Wraps <paramref name="exception"/> as a <see cref="NetKitException"/> for <paramref name="operation"/>.</summary>
    public static NetKitException Wrap(string operation, Exception exception)
    {
        if (exception is NetKitException nk)
        {
            return nk;
        }

        var kind = Classify(exception);
        return kind == NetErrorKind.Other
            ? new NetKitException(kind, operation, exception.Message, exception)
            : new NetKitException(kind, operation, exception);
    }
}
