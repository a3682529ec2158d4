namespace NetKit.Transport;

/// <summary>An expected network failure: what was being done, and which kind of failure it was.
/// The CLI prints it as one line, <c>netkit: {Operation}: {kind in words}</c>.</summary>
public sealed class NetKitException : Exception
{
    public NetKitException(NetErrorKind kind, string operation, Exception? inner = null)
        : base($"{operation}: {NetErrors.Describe(kind)}", inner)
    {
        Kind = kind;
        Operation = operation;
    }

    public NetKitException(NetErrorKind kind, string operation, string detail, Exception? inner = null)
        : base($"{operation}: {detail}", inner)
    {
        Kind = kind;
        Operation = operation;
    }

    public NetErrorKind Kind { get; }

    public string Operation { get; }

    public int ExitCode => ExitCodes.For(Kind);
}
