namespace NetKit.KeyValue;

/// <summary>The server refused to start: it would listen beyond loopback without a password (see <see cref="ProtectedMode"/>).</summary>
public sealed class ProtectedModeException : Exception
{
    public ProtectedModeException(string message)
        : base(message)
    {
    }
}
