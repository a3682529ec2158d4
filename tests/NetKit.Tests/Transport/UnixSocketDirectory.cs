namespace NetKit.Tests.Transport;

/// <summary>A fresh directory for a test's Unix socket files, short enough for sun_path, removed with the test.</summary>
public sealed class UnixSocketDirectory : IDisposable
{
    private int _next;

    public UnixSocketDirectory()
    {
        // /tmp rather than a long TMPDIR: a socket path holds at most 107 bytes.
        Path = Directory.CreateTempSubdirectory("nk-").FullName;
    }

    public string Path { get; }

    /// <summary>A path no socket has been bound to yet.</summary>
    public string NewPath(string name = "s") => System.IO.Path.Combine(Path, $"{name}{Interlocked.Increment(ref _next)}.sock");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server still closing holds nothing that matters; the OS cleans /tmp.
        }
    }
}
