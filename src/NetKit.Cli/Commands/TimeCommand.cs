using System.CommandLine;
using NetKit.Hosting;
using NetKit.Protocols.Time;

namespace NetKit.Cli.Commands;

/// <summary><c>netkit time serve|query</c>.</summary>
public static class TimeCommand
{
    public static Command Create()
    {
        var service = NetKitServices.Time;
        var command = new Command(service.Name, $"UDP time: {service.Summary}");
        command.Subcommands.Add(ServeCommand.ForUdp(service));
        command.Subcommands.Add(CreateQuery(service));
        return command;
    }

    private static Command CreateQuery(ServiceDefinition service)
    {
        var connect = CliOptions.Connect(service);
        var timeout = CliOptions.UdpTimeout();
        var raw = CliOptions.Raw();
        var command = new Command("query", "Ask the server for the Unix time in seconds (3 tries)") { connect, timeout, raw };
        command.SetAction(async (result, cancellationToken) =>
        {
            var client = new TimeClient(result.GetValue(connect), TimeSpan.FromSeconds(result.GetValue(timeout)));
            long seconds = await client.QueryAsync(cancellationToken).ConfigureAwait(false);
            await ClientOutput.WriteAsync("Server time: ", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                result.GetValue(raw)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
