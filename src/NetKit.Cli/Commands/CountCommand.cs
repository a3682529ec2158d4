using System.CommandLine;
using NetKit.Hosting;
using NetKit.Protocols.Count;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary><c>netkit count serve|send</c>.</summary>
public static class CountCommand
{
    public static Command Create()
    {
        var service = NetKitServices.Count;
        var command = new Command(service.Name, $"TCP count: {service.Summary}");
        command.Subcommands.Add(ServeCommand.ForTcp(service, withOnce: true));
        command.Subcommands.Add(CreateSend(service));
        return command;
    }

    private static Command CreateSend(ServiceDefinition service)
    {
        var file = new Argument<string?>("file")
        {
            Description = "File to send; without it (or with -), stdin",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var connect = CliOptions.Connect(service);
        var timeout = CliOptions.TcpTimeout();
        var raw = CliOptions.Raw();
        var tls = new ClientTlsOptionSet();
        var command = new Command("send", "Send a file or stdin and print how many bytes the server counted") { file, connect, timeout, raw };
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            string? path = result.GetValue(file);
            // Opened before connecting, so a missing file costs the server nothing.
            await using var source = path is null or "-" ? Console.OpenStandardInput() : Open(path);
            await using var client = await CountClient.ConnectAsync(result.GetValue(connect),
                tls.Apply(result, CliOptions.ToClientOptions(result.GetValue(timeout))), cancellationToken).ConfigureAwait(false);
            long total = await client.CountAsync(source, cancellationToken).ConfigureAwait(false);
            string count = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Console.Out.WriteLineAsync(result.GetValue(raw) ? count : $"Server counted: {count} bytes").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliException(ExitCodes.PermissionDenied, $"cannot read {path}: permission denied", ex);
        }
        catch (IOException ex)
        {
            throw new CliException(ExitCodes.Failure, $"cannot read {path}: {ex.Message}", ex);
        }
    }
}
