namespace NetKit.KeyValue.Persistence;

/// <summary>Another server holds the data directory's lock (<see cref="DataDirectoryLock"/>).</summary>
public sealed class DataDirectoryLockedException : IOException
{
    public DataDirectoryLockedException(string directory, int? ownerProcessId, Exception? inner = null)
        : base($"{Path.Combine(directory, DataDirectoryLock.FileName)} is locked by another netkit server" +
               (ownerProcessId is { } pid ? $" (PID {pid})" : string.Empty), inner)
    {
        Directory = directory;
        OwnerProcessId = ownerProcessId;
    }

    public string Directory { get; }

    /// <summary>The PID the owner wrote into the lock file; null when it could not be read (the owner is
    /// still between taking the lock and writing it, or is not a netkit server).</summary>
    public int? OwnerProcessId { get; }
}
