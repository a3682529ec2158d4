using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue.Persistence;

/// <summary>A directory of its own for one test, deleted afterwards.</summary>
internal sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory() => Path = Directory.CreateTempSubdirectory("netkit-aof-").FullName;

    public string Path { get; }

    public string LogPath => System.IO.Path.Combine(Path, "appendonly.aof");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind does not make a test wrong.
        }
    }
}

/// <summary>Keeps what was logged, so tests can check a warning names the right offset.</summary>
internal sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));

    public IEnumerable<string> Warnings => Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message);
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class SettableClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class StoreAssert
{
    public static Dictionary<string, (string Value, long ExpiresAtMs)> Snapshot(KeyValueStore store) =>
        store.Entries().ToDictionary(
            e => Convert.ToHexString(e.Key),
            e => (Convert.ToHexString((byte[])e.Value), e.ExpiresAtMs));

    public static void SameData(KeyValueStore expected, KeyValueStore actual)
    {
        var want = Snapshot(expected);
        var got = Snapshot(actual);
        Assert.Equal(want.Count, got.Count);
        foreach (var (key, entry) in want)
        {
            Assert.True(got.TryGetValue(key, out var other), $"key {key} missing after replay");
            Assert.Equal(entry, other);
        }
    }
}
