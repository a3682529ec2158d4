using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace NetKit.Cli.Hosting;

/// <summary>
/// The generic host every server command runs under: its configuration is the command's (file, environment,
/// command line); its logger the console one on stderr, filtered by <c>Logging:LogLevel</c>, as text or JSON
/// (<c>Logging:Console:FormatterName</c>, which <c>--log-format</c> sets); its lifetime the console one
/// (SIGINT, SIGTERM) or, run by systemd, the systemd one (SIGTERM, readiness).
/// </summary>
public static class ServerHostFactory
{
    /// <summary>The console logger's formatter key, set by <c>--log-format</c>.</summary>
    public const string FormatterKey = "Logging:Console:FormatterName";

    public static IHost Build(ServerPlan plan)
    {
        // Empty: no appsettings.json, no user secrets, no DOTNET_ variables, no debug or event-log loggers: only
        // what netkit documents, and less to start.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(plan.Configuration.Root);
        ConfigureLogging(builder);

        // The lifetime's "Application started. Press Ctrl+C..." lines would only crowd the listening lines.
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        // Run by systemd: its lifetime (SIGTERM, READY=1 once started, STOPPING=1) instead of the console one.
        builder.Services.AddSystemd();
        builder.Services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        builder.Services.AddSingleton(plan);
        // In this order: the interrupt handler registers after the lifetime's own; readiness is told once the servers listen.
        builder.Services.AddHostedService<InterruptHandler>();
        builder.Services.AddHostedService<ServerStartup>();
        builder.Services.AddHostedService<Observability.MetricsService>();
        builder.Services.AddHostedService<SystemdReadiness>();
        return builder.Build();
    }

    private static void ConfigureLogging(HostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        // Defaults registered before the console logger binds its configuration, so the file can override them.
        builder.Services.Configure<SimpleConsoleFormatterOptions>(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            options.UseUtcTimestamp = true;
        });
        builder.Logging.AddConsole(options =>
        {
            // Everything on stderr: stdout carries only what a script reads (the listening and summary lines).
            options.LogToStandardErrorThreshold = LogLevel.Trace;
            // A flood of connections logs a line each; when stderr cannot keep up (a slow terminal, a full
            // pipe) lines are dropped rather than stalling the accept loop and every connection.
            options.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite;
            options.MaxQueueLength = 10_000;
        });
        // AddSystemd picks the journal's format under systemd; a format the user chose wins over that. Never
        // left unset: without a name the console logger falls back to its old options, dropping the ones above.
        builder.Services.PostConfigure<ConsoleLoggerOptions>(options =>
            options.FormatterName = configuration[FormatterKey] is { Length: > 0 } name ? name : options.FormatterName ?? ConsoleFormatterNames.Simple);
        // The host logs a failed start with its stack trace; netkit reports every failure itself, in one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
    }
}
