namespace NetKit.Cli;

/// <summary>
/// Exit codes only the <c>netkit</c> command produces, beyond the network kinds of
/// <see cref="NetKit.Transport.ExitCodes"/> (0–10); numbered after them so the two never collide.
/// </summary>
public static class CliExitCodes
{
    /// <summary>kv refused to start: it would listen beyond loopback without a password (protected mode).</summary>
    public const int ProtectedMode = 11;
}
