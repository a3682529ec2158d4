using System.CommandLine;
using System.Text;
using NetKit.Hosting;
using NetKit.Protocols.Echo;

namespace NetKit.Cli.Commands;

/// <summary><c>netkit echo serve|send</c>.</summary>
public static class EchoCommand
{
    /// <summary>What <c>echo send</c> takes from stdin: the whole input is held twice (sent, then compared), so
    /// it is bounded; bulk data is count's job, or nc's.</summary>
    private const int MaxStandardInputBytes = 16 * 1024 * 1024;

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
            Description = "Text to send (several words are joined by spaces); without any, stdin",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var connect = CliOptions.Connect(service);
        var timeout = CliOptions.TcpTimeout();
        var raw = CliOptions.Raw();
        var tls = new ClientTlsOptionSet();
        var command = new Command("send", "Send text and print what the server sends back") { text, connect, timeout, raw };
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            string[] words = result.GetValue(text) ?? [];
            byte[] message = words.Length > 0
                ? Encoding.UTF8.GetBytes(string.Join(' ', words))
                : await ReadStandardInputAsync(cancellationToken).ConfigureAwait(false);
            if (message.Length == 0)
            {
                // Zero bytes would get zero back: there is nothing to check the server by.
                throw CliException.Usage("nothing to send: give the text, or pipe it on stdin (see netkit echo send --help)");
            }

            await using var client = await EchoClient.ConnectAsync(result.GetValue(connect),
                tls.Apply(result, CliOptions.ToClientOptions(result.GetValue(timeout))), cancellationToken).ConfigureAwait(false);
            byte[] reply = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await ClientOutput.WriteAsync("Server replied: ", Encoding.UTF8.GetString(reply), result.GetValue(raw)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task<byte[]> ReadStandardInputAsync(CancellationToken cancellationToken)
    {
        await using var stdin = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stdin.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxStandardInputBytes)
            {
                throw CliException.Usage($"stdin holds more than echo send takes ({MaxStandardInputBytes / (1024 * 1024)} MiB); count send or nc carry bulk data");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
