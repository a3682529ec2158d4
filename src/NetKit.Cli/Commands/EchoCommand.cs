using System.CommandLine;
using NetKit.Hosting;
using NetKit.Protocols.Echo;

namespace NetKit.Cli.Commands;

/// <summary><c>netkit echo serve|send</c>.</summary>
public static class EchoCommand
{
    public static Command Create()
    {
        var service = NetKitServices.Echo;
        var command = new Command(service.Name, $"TCP echo: {service.Summary}");
        command.Subcommands.Add(ServeCommand.ForTcp(service));
        command.Subcommands.Add(CreateSend(service));
        return command;
    }

    private static Command CreateSend(ServiceDefinition service)
    {
        var text = new Argument<string[]>("text")
        {
            Description = "Text to send (several words are joined by spaces)",
            Arity = ArgumentArity.OneOrMore,
        };
        var connect = CliOptions.Connect(service);
        var timeout = CliOptions.TcpTimeout();
        var command = new Command("send", "Send text and print what the server sends back") { text, connect, timeout };
        command.SetAction(async (result, cancellationToken) =>
        {
            string message = string.Join(' ', result.GetValue(text) ?? []);
            await using var client = await EchoClient.ConnectAsync(result.GetValue(connect),
                CliOptions.ToClientOptions(result.GetValue(timeout)), cancellationToken).ConfigureAwait(false);
            string reply = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"Server replied: {reply}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
