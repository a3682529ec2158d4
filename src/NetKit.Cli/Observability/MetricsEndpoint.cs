using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.Transport;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace NetKit.Cli.Observability;

/// <summary>
/// The NetKit meter exported the OpenTelemetry way: Prometheus text at <c>/metrics</c> and a <c>/healthz</c>
/// on <c>--metrics-bind HOST:PORT</c>, and OTLP to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> when that standard
/// variable is set (the exporter reads its other OTEL_ variables itself). Neither costs anything when off:
/// the instruments record only while a listener is attached.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private readonly MeterProvider _provider;
    private readonly HttpListener? _health;

    private MetricsEndpoint(MeterProvider provider, HttpListener? health, Uri? scrapeUri, string? otlpEndpoint)
    {
        _provider = provider;
        _health = health;
        ScrapeUri = scrapeUri;
        OtlpEndpoint = otlpEndpoint;
    }

    /// <summary>Where OTLP goes, as the environment gave it; null when not exporting.</summary>
    public string? OtlpEndpoint { get; }

    /// <summary>Where Prometheus scrapes, with the port chosen when 0 was asked for; null without <c>--metrics-bind</c>.</summary>
    public Uri? ScrapeUri { get; }

    /// <summary>Starts what is asked for, or returns null when neither an address nor an OTLP endpoint is given.</summary>
    /// <exception cref="NetKitException">The address is invalid or cannot be listened on.</exception>
    public static MetricsEndpoint? Start(string? bind, string serviceName)
    {
        bool otlp = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable));
        if (string.IsNullOrWhiteSpace(bind) && !otlp)
        {
            return null;
        }

        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: typeof(MetricsEndpoint).Assembly.GetName().Version?.ToString(3)))
            .AddMeter(NetKitMeter.Name);
        string? prefix = null;
        if (!string.IsNullOrWhiteSpace(bind))
        {
            var address = HostPort.Parse(bind, defaultPort: 9464);
            int port = address.Port == 0 ? FreePort(address) : address.Port;
            prefix = $"http://{new HostPort(address.Host, port)}/";
            builder.AddPrometheusHttpListener(options =>
            {
                options.Host = address.Host.Contains(':', StringComparison.Ordinal) ? $"[{address.Host}]" : address.Host;
                options.Port = port;
                options.ScrapeEndpointPath = "/metrics";
            });
        }

        if (otlp)
        {
            builder.AddOtlpExporter();
        }

        MeterProvider provider;
        try
        {
            provider = builder.Build()!;
        }
        catch (Exception ex) when (ex is HttpListenerException || ex.InnerException is HttpListenerException)
        {
            // The exporter wraps the listener's failure ("could not be started"): the inner one says why.
            throw new NetKitException(NetErrorKind.AddressInUse, $"cannot serve metrics on {bind}",
                (ex.InnerException ?? ex).Message);
        }

        HttpListener? health = null;
        if (prefix is not null)
        {
            try
            {
                health = StartHealth(prefix + "healthz/");
            }
            catch (HttpListenerException ex)
            {
                provider.Dispose();
                throw new NetKitException(NetErrorKind.AddressInUse, $"cannot serve /healthz on {bind}", ex.Message);
            }
        }

        return new MetricsEndpoint(provider, health, prefix is null ? null : new Uri(prefix + "metrics"),
            otlp ? Environment.GetEnvironmentVariable(OtlpEndpointVariable) : null);
    }

    public void Dispose()
    {
        _health?.Close();
        _provider.Dispose();
    }

    // HttpListener takes no port 0: take one from the kernel and hand it over (the same address family, so
    // IPv6 works too). Another process could take it in between; the start-up then fails with the address in use.
    private static int FreePort(HostPort address)
    {
        var ip = address.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(address.Host);
        using var probe = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(ip, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static HttpListener StartHealth(string prefix)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add(prefix);
        listener.Start();
        _ = ServeHealthAsync(listener);
        return listener;
    }

    // The process answers: that is the health this endpoint reports (a liveness probe); the services' own
    // listeners are bound before metrics start, so a 200 here also means they are up.
    private static async Task ServeHealthAsync(HttpListener listener)
    {
        var body = Encoding.ASCII.GetBytes("ok\n");
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                context.Response.StatusCode = 200;
                context.Response.ContentType = "text/plain; charset=utf-8";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The scraper went away mid-answer: nothing to do for it.
            }
        }
    }
}
