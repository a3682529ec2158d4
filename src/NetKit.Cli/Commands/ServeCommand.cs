using System.CommandLine;
using NetKit.Hosting;

namespace NetKit.Cli.Commands;

/// <summary>The <c>netkit SERVICE serve</c> command of each service: one server on <c>--bind</c>.</summary>
public static class ServeCommand
{
    /// <param name="withOnce">count's <c>--once</c>: serve one connection, then exit 0.</param>
    public static Command ForTcp(ServiceDefinition service, bool withOnce = false)
    {
        var bind = CliOptions.Bind(service);
        var serverOptions = new TcpServerOptionSet();
        var once = new Option<bool>("--once") { Description = "Serve one connection, then exit" };
        var command = new Command("serve", $"Run the {service.Name} server ({service.Summary})") { bind };
        serverOptions.AddTo(command);
        if (withOnce)
        {
            command.Options.Add(once);
        }

        command.SetAction((result, cancellationToken) =>
        {
            var settings = serverOptions.ToSettings(result, withOnce && result.GetValue(once));
            return RunAsync(service, result.GetValue(bind), settings, result, cancellationToken);
        });
        return command;
    }

    /// <summary><c>netkit kv serve</c>: a TCP server with kv's durability, limit and access options.</summary>
    public static Command ForKeyValue(ServiceDefinition service)
    {
        var bind = CliOptions.Bind(service);
        var serverOptions = new TcpServerOptionSet();
        var kvOptions = new KvServerOptionSet(durableByDefault: false);
        var command = new Command("serve", $"Run the {service.Name} server ({service.Summary})") { bind };
        serverOptions.AddTo(command);
        kvOptions.AddTo(command);
        command.SetAction((result, cancellationToken) =>
            ServiceRunner.RunAsync([(service, result.GetValue(bind).ToBindEndPoint())], serverOptions.ToSettings(result),
                result.GetValue(CliOptions.LogLevel), cancellationToken, kvOptions.ToSettings(result)));
        return command;
    }

    public static Command ForUdp(ServiceDefinition service)
    {
        var bind = CliOptions.Bind(service);
        // Only the model: the TCP options' limits (connections, threads, idle timeout) mean nothing to UDP.
        var model = CliOptions.Model();
        var command = new Command("serve", $"Run the {service.Name} server ({service.Summary})") { bind, model };
        command.SetAction((result, cancellationToken) =>
            RunAsync(service, result.GetValue(bind), new ServiceSettings { Model = result.GetValue(model) }, result,
                cancellationToken));
        return command;
    }

    private static Task<int> RunAsync(ServiceDefinition service, Transport.HostPort bind, ServiceSettings settings,
        ParseResult result, CancellationToken cancellationToken) =>
        ServiceRunner.RunAsync([(service, bind.ToBindEndPoint())], settings,
            result.GetValue(CliOptions.LogLevel), cancellationToken);
}
