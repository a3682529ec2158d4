namespace NetKit.Transport;

/// <summary>The documented exit codes of the <c>netkit</c> command, one per kind of failure.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int AddressInUse = 3;
    public const int ConnectionRefused = 4;
    public const int TimedOut = 5;
    public const int ConnectionReset = 6;
    public const int HostUnreachable = 7;
    public const int PermissionDenied = 8;
    public const int BadAddress = 9;
    public const int ProtocolViolation = 10;

    /// <summary>After the CLI's own codes (11–16), so the two never collide.</summary>
    public const int TlsFailed = 17;

    public static int For(NetErrorKind kind) => kind switch
    {
        NetErrorKind.AddressInUse => AddressInUse,
        NetErrorKind.ConnectionRefused => ConnectionRefused,
        NetErrorKind.TimedOut => TimedOut,
        NetErrorKind.ConnectionReset => ConnectionReset,
        NetErrorKind.HostUnreachable => HostUnreachable,
        NetErrorKind.PermissionDenied => PermissionDenied,
        NetErrorKind.BadAddress => BadAddress,
        NetErrorKind.ProtocolViolation => ProtocolViolation,
        NetErrorKind.TlsFailed => TlsFailed,
        _ => Failure,
    };
}
