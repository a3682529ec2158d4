using System.Diagnostics;
using NetKit.Transport;

namespace NetKit.Load;

/// <summary>
/// A TCP load generator for NetKit's services and any server that speaks their protocols (redis-server,
/// plain echo peers): opens the connections, runs a warm-up and a measured window, checks every reply,
/// and reports requests/s, per-request latency, errors and timeouts, and CPU time of server and
/// generator over the window. On Linux one epoll thread drives every connection, so the generator takes
/// little of a machine it shares with the server; elsewhere async sockets do.
/// </summary>
/// <remarks>
/// Network failures never throw: a connection that cannot be opened, or fails while running, is counted
/// in the report and the rest carry on. Only cancellation before the load starts and bad options throw.
/// </remarks>
public static class LoadGenerator
{
    private static readonly long ProgressInterval = Stopwatch.Frequency;

    /// <summary>Runs the load, reporting progress once a second to <paramref name="progress"/> if given.</summary>
    /// <param name="cancellationToken">Before the load starts, cancels the run (throws); during it, ends
    /// the measured window early and the report covers what was measured so far.</param>
    public static async Task<LoadReport> RunAsync(LoadOptions options, IProgress<LoadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        LoadDriver driver = LoadDriver.Create(options, LoadWorkload.Create(options));
        driver.Start(cancellationToken);
        LoadSchedule? schedule = await driver.Started.ConfigureAwait(false);
        if (schedule is null)
        {
            await driver.Completion.ConfigureAwait(false);
            return Report(driver, schedule, 0, null, null);
        }

        using var abortTimer = new CancellationTokenSource();
        using var registration = cancellationToken.Register(() =>
        {
            schedule.StopNow();

            // Whoever pressed Ctrl+C wants out: a second of grace, not the full request timeout.
            abortTimer.Token.Register(driver.Abort);
            abortTimer.CancelAfter(TimeSpan.FromSeconds(1));
        });

        var window = new CpuWindow(options.ServerPid);
        // Without a warm-up the window opens now: a run short enough (a few hundred requests against a native
        // server) can be over before the loop below samples once, and would report no server CPU at all.
        window.Sample(Stopwatch.GetTimestamp(), schedule);
        long nextProgress = schedule.Begin + ProgressInterval;
        long lastCompleted = 0;
        long lastProgress = schedule.Begin;
        while (!driver.Completion.IsCompleted)
        {
            long now = Stopwatch.GetTimestamp();
            long next = Math.Min(nextProgress, window.Started ? (window.Ended ? long.MaxValue : schedule.Deadline) : schedule.MeasureStart);
            long waitMs = Math.Clamp((next - now) * 1000 / Stopwatch.Frequency + 1, 1, 1000);
            await Task.WhenAny(driver.Completion, Task.Delay(TimeSpan.FromMilliseconds(waitMs))).ConfigureAwait(false);
            now = Stopwatch.GetTimestamp();
            window.Sample(now, schedule);
            if (progress is not null && now >= nextProgress)
            {
                long completed = Sum(driver.Sessions, s => s.CompletedTotal);
                double rate = (completed - lastCompleted) * (double)Stopwatch.Frequency / Math.Max(1, now - lastProgress);
                progress.Report(new LoadProgress(
                    TimeSpan.FromSeconds((now - schedule.Begin) / (double)Stopwatch.Frequency),
                    now < schedule.MeasureStart ? "warm-up" : now < schedule.Deadline ? "measuring" : "drain", completed, rate,
                    Sum(driver.Sessions, s => s.Errors), Sum(driver.Sessions, s => s.TimedOut),
                    driver.Sessions.Count(s => !s.Failed)));
                lastCompleted = completed;
                lastProgress = now;
                nextProgress = now + ProgressInterval;
            }
        }

        long end = Stopwatch.GetTimestamp();
        window.End(end, schedule);
        await driver.Completion.ConfigureAwait(false);
        double measured = Math.Max(0, Math.Min(schedule.Deadline, window.EndedAt) - schedule.MeasureStart) / (double)Stopwatch.Frequency;
        return Report(driver, schedule, measured, window.ServerSeconds, window.GeneratorSeconds);
    }

    private static LoadReport Report(LoadDriver driver, LoadSchedule? schedule, double measuredSeconds,
        double? serverCpu, double? generatorCpu)
    {
        long requests = 0;
        long errors = 0;
        long timedOut = 0;
        NetKitException? firstError = null;
        foreach (var session in driver.Sessions)
        {
            requests += session.Completed;
            errors += session.Errors;
            timedOut += session.TimedOut;
            firstError ??= session.Error;
        }

        return new LoadReport
        {
            Options = driver.Options,
            Engine = driver.Options.EffectiveEngine,
            ConnectionsOpened = driver.Sessions.Count,
            ConnectFailures = driver.ConnectFailures,
            FirstConnectError = driver.FirstConnectError,
            Requests = requests,
            MeasuredSeconds = schedule is null ? 0 : measuredSeconds,
            Errors = errors,
            TimedOut = timedOut,
            FirstError = firstError,
            Latency = driver.Latency,
            ServerCpuSeconds = serverCpu,
            GeneratorCpuSeconds = generatorCpu,
        };
    }

    private static long Sum(IReadOnlyList<LoadSession> sessions, Func<LoadSession, long> value)
    {
        long sum = 0;
        foreach (var session in sessions)
        {
            sum += value(session);
        }

        return sum;
    }

    /// <summary>CPU time of server and generator read when the measured window opens and when it closes.</summary>
    private sealed class CpuWindow(int serverPid)
    {
        private double? _serverStart;
        private double _generatorStart;

        public bool Started { get; private set; }

        public bool Ended { get; private set; }

        public long EndedAt { get; private set; } = long.MaxValue;

        public double? ServerSeconds { get; private set; }

        public double? GeneratorSeconds { get; private set; }

        public void Sample(long now, LoadSchedule schedule)
        {
            if (!Started && now >= schedule.MeasureStart)
            {
                Started = true;
                _serverStart = serverPid > 0 ? ProcessCpuTime.Read(serverPid) : null;
                _generatorStart = ProcessCpuTime.ReadSelf();
            }

            if (Started && !Ended && now >= schedule.Deadline)
            {
                End(now, schedule);
            }
        }

        public void End(long now, LoadSchedule schedule)
        {
            if (Ended)
            {
                return;
            }

            Ended = true;
            EndedAt = now;
            if (!Started)
            {
                return;
            }

            double? server = serverPid > 0 ? ProcessCpuTime.Read(serverPid) : null;
            ServerSeconds = server - _serverStart;
            GeneratorSeconds = ProcessCpuTime.ReadSelf() - _generatorStart;
        }
    }
}
