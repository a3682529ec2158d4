using System.Net;
using Microsoft.Extensions.Logging;
using NetKit.Protocols;
using NetKit.Protocols.Count;
using NetKit.Protocols.Echo;
using NetKit.Protocols.Lines;
using NetKit.Protocols.Time;
using NetKit.Transport;
using NetKit.Connections;

namespace NetKit.Hosting;

/// <summary>Builds the server of a <see cref="ServiceDefinition"/>: its protocol core on the right transport.</summary>
public static class ServiceFactory
{
    public static INetworkServer Create(ServiceDefinition service, EndPoint endPoint, ServiceSettings settings,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger($"NetKit.{service.Name}");
        if (service.Transport == "udp")
        {
            IDatagramHandler handler = service.Name switch
            {
                "udp-echo" => new UdpEchoHandler(),
                "time" => new TimeHandler(settings.TimeProvider),
                _ => throw new ArgumentException($"unknown UDP service '{service.Name}'", nameof(service)),
            };
            return new UdpServer(service.Name, handler, new UdpServerOptions
            {
                EndPoint = endPoint,
                Model = settings.Model,
                UnixSocketPermissions = settings.UnixSocketPermissions,
            }, logger);
        }

        Func<IConnectionProtocol> factory;
        switch (service.Name)
        {
            case "echo":
                factory = static () => new EchoProtocol();
                break;
            case "lines":
                int maxLine = settings.MaxLineLength;
                factory = () => new LinesProtocol(maxLine);
                break;
            case "count":
                factory = () => new CountProtocol(total => CountLog.Total(logger, total));
                break;
            default:
                throw new ArgumentException($"unknown TCP service '{service.Name}'", nameof(service));
        }

        return new TcpServer(service.Name, factory, TcpOptions(endPoint, settings), logger);
    }

    private static TcpServerOptions TcpOptions(EndPoint endPoint, ServiceSettings settings) =>
        new()
        {
            EndPoint = endPoint,
            Model = settings.Model,
            MaxConnections = settings.MaxConnections,
            MaxThreads = settings.MaxThreads,
            EventLoops = settings.EventLoops,
            IdleTimeout = settings.IdleTimeout,
            ShutdownGracePeriod = settings.ShutdownGracePeriod,
            Once = settings.Once,
            OutputLimit = settings.OutputLimit,
            SubscriberOutputLimit = settings.SubscriberOutputLimit,
            TimeProvider = settings.TimeProvider,
            MinRequestDataRate = settings.MinRequestDataRate,
            Tls = settings.Tls,
            UnixSocketPermissions = settings.UnixSocketPermissions,
        };
}
