using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NetKit.Cli.Hosting;

/// <summary>
/// Ctrl-C: the first stops the host gracefully, as its lifetime would; a second one, while connections are
/// still finishing, exits at once (130, as a shell reports a process ended by SIGINT). Nothing acknowledged is
/// lost by that: kv's log has every acknowledged write in the OS already (fsynced with --fsync always).
/// </summary>
/// <remarks>Registered once the host has started its lifetime, so this handler runs before the lifetime's own
/// (the runtime calls the newest first) and can count the presses, which the lifetime does not.</remarks>
internal sealed partial class InterruptHandler(IHostApplicationLifetime lifetime, ILogger<InterruptHandler> logger) : IHostedService, IDisposable
{
    /// <summary>128 + SIGINT.</summary>
    public const int ForcedExitCode = 130;

    /// <summary>One Ctrl-C can reach the process twice at once (the terminal signals the whole process group, and
    /// a launcher in it, such as timeout or dotnet run, may pass it on): a second one counts only after this.</summary>
    private static readonly TimeSpan SamePress = TimeSpan.FromMilliseconds(200);

    private PosixSignalRegistration? _registration;
    private long _firstInterrupt = -1;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt);
        return Task.CompletedTask;
    }

    // The registration stays through the stop: that is when a second Ctrl-C means something.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration?.Dispose();

    private void OnInterrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        long first = Interlocked.CompareExchange(ref _firstInterrupt, now, -1);
        if (first == -1)
        {
            Stopping(logger);
            lifetime.StopApplication();
            return;
        }

        if (System.Diagnostics.Stopwatch.GetElapsedTime(first, now) < SamePress)
        {
            return;
        }

        // Written directly: the logger's queue may never be drained on this path.
        Console.Error.WriteLine("netkit: interrupted again: exiting without waiting for connections to finish");
        Environment.Exit(ForcedExitCode);
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "SIGINT received: stopping (Ctrl-C again to exit at once)")]
    private static partial void Stopping(ILogger logger);
}
