using System.CommandLine;
using NetKit.Hosting;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary><c>netkit serve</c>: every service at once, each on its default port.</summary>
public static class ServeAllCommand
{
    public static Command Create()
    {
        var bindAddress = new Option<string>("--bind-address")
        {
            Description = "IP address every service listens on",
            DefaultValueFactory = _ => HostPort.DefaultHost,
            HelpName = "address",
        };
        // For tests and side-by-side runs: the default ports may be taken, port 0 never is. The real ports
        // are in the listening lines.
        var ephemeralPorts = new Option<bool>("--ephemeral-ports")
        {
            Description = "Listen on free ports picked by the system instead of the default ports (for testing)",
            Hidden = true,
        };
        var serverOptions = new TcpServerOptionSet();
        var kvOptions = new KvServerOptionSet(durableByDefault: true);
        var command = new Command("serve",
            "Run all six services at once on their default ports; kv keeps its data in the user's data folder unless --in-memory")
        {
            bindAddress,
            ephemeralPorts,
        };
        serverOptions.AddTo(command);
        kvOptions.AddTo(command);
        command.SetAction((result, cancellationToken) =>
        {
            string host = result.GetValue(bindAddress) ?? HostPort.DefaultHost;
            bool ephemeral = result.GetValue(ephemeralPorts);
            var services = ServedServices.All
                .Select(s => (s, new HostPort(host, ephemeral ? 0 : s.DefaultPort).ToBindEndPoint()))
                .ToList();
            return ServiceRunner.RunAsync(services, serverOptions.ToSettings(result),
                result.GetValue(CliOptions.LogLevel), cancellationToken, kvOptions.ToSettings(result));
        });
        return command;
    }
}
