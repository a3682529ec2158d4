using System.CommandLine;
using System.Text;
using NetKit.Hosting;
using NetKit.Protocols.Echo;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary><c>netkit udp-echo serve|send</c>.</summary>
public static class UdpEchoCommand
{
    public static Command Create()
    {
        var service = NetKitServices.UdpEcho;
        var command = new Command(service.Name, $"UDP echo: {service.Summary}");
        command.Subcommands.Add(ServeCommand.ForUdp(service));
        command.Subcommands.Add(CreateSend(service));
        return command;
    }

    private static Command CreateSend(ServiceDefinition service)
    {
        var text = new Argument<string[]>("text")
        {
            Description = "Text to send in one datagram (several words are joined by spaces)",
            Arity = ArgumentArity.OneOrMore,
        };
        var connect = CliOptions.Connect(service);
        var timeout = CliOptions.UdpTimeout();
        var raw = CliOptions.Raw();
        var command = new Command("send", "Send a datagram and print the echo (3 tries)") { text, connect, timeout, raw };
        command.SetAction(async (result, cancellationToken) =>
        {
            string message = string.Join(' ', result.GetValue(text) ?? []);
            if (Encoding.UTF8.GetByteCount(message) > UdpServer.MaxDatagramSize)
            {
                throw CliException.Usage($"the text is longer than one datagram carries ({UdpServer.MaxDatagramSize} bytes)");
            }

            var client = new UdpEchoClient(result.GetValue(connect), TimeSpan.FromSeconds(result.GetValue(timeout)));
            string reply = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await ClientOutput.WriteAsync("Echoed back: ", reply, result.GetValue(raw)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
