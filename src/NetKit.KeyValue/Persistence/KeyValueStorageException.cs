namespace NetKit.KeyValue.Persistence;

/// <summary>
/// The kv data directory or its log cannot be used: it cannot be created or opened, another server holds it,
/// or the log is damaged before its end. The message names the path and says what is wrong in words;
/// <see cref="Kind"/> tells the cases apart without reading it.
/// </summary>
public sealed class KeyValueStorageException : Exception
{
    public KeyValueStorageException(StorageErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public StorageErrorKind Kind { get; }
}
