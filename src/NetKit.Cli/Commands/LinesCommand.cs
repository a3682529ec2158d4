using System.CommandLine;
using NetKit.Hosting;
using NetKit.Protocols.Lines;

namespace NetKit.Cli.Commands;

/// <summary><c>netkit lines serve|send</c>.</summary>
public static class LinesCommand
{
    public static Command Create()
    {
        var service = NetKitServices.Lines;
        var command = new Command(service.Name, $"TCP lines: {service.Summary}");
        command.Subcommands.Add(ServeCommand.ForTcp(service));
        command.Subcommands.Add(CreateSend(service));
        return command;
    }

    private static Command CreateSend(ServiceDefinition service)
    {
        var lines = new Argument<string[]>("line")
        {
            Description = "Lines to send, one per argument; without any, the lines of stdin",
            Arity = ArgumentArity.ZeroOrMore,
        };
        lines.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.AsSpan().ContainsAny('\r', '\n'))
                {
                    result.AddError("a line argument cannot contain a line break: give each line as its own argument");
                    return;
                }
            }
        });
        var connect = CliOptions.Connect(service);
        var timeout = CliOptions.TcpTimeout();
        var raw = CliOptions.Raw();
        var tls = new ClientTlsOptionSet();
        var command = new Command("send", "Send lines and print each reply; stops after the server's bye") { lines, connect, timeout, raw };
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            string[] arguments = result.GetValue(lines) ?? [];
            await using var client = await LinesClient.ConnectAsync(result.GetValue(connect),
                tls.Apply(result, CliOptions.ToClientOptions(result.GetValue(timeout))), cancellationToken).ConfigureAwait(false);
            var replies = arguments.Length > 0
                ? client.ExchangeAsync(arguments, cancellationToken)
                : client.ExchangeAsync(StandardInputLines.ReadAsync(cancellationToken), cancellationToken);
            await foreach (var reply in replies.ConfigureAwait(false))
            {
                await ClientOutput.WriteAsync("Server: ", reply, result.GetValue(raw)).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
