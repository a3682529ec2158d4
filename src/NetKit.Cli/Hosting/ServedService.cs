using System.Net;
using NetKit.Hosting;

namespace NetKit.Cli.Hosting;

/// <summary>One service a server command runs: where it listens, and with which model and limits.</summary>
public sealed record ServedService(ServiceDefinition Service, EndPoint EndPoint, ServiceSettings Settings);
